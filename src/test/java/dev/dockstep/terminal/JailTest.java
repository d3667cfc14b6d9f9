package dev.dockstep.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the jail's command line binds and sets; ShellIT proves what it does. */
class JailTest {
    @TempDir
    Path dir;
    private Jail jail;

    @BeforeEach
    void programs() throws IOException {
        // Only their paths go on the command line here; nothing runs.
        for (String name : List.of("bwrap", "setpriv", "prlimit", "docker")) {
            Path program = Files.createFile(dir.resolve(name));
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        jail = Jail.onThisHost(dir.toString());
    }

    @AfterEach
    void close() {
        jail.close();
    }

    private ShellAccount account(OptionalInt uid) {
        return new ShellAccount("ann", uid, uid, Path.of("/srv/homes/ann"), Path.of("/srv/gates/ann.sock"),
                Path.of("/srv/configs/ann"));
    }

    /** Every host path the jail mounts, with where it appears inside. */
    private static List<String> mounts(List<String> command) {
        List<String> mounts = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            if (Set.of("--bind", "--ro-bind", "--ro-bind-try", "--dev-bind").contains(command.get(i))) {
                mounts.add(command.get(i + 1) + " -> " + command.get(i + 2));
            }
        }
        return mounts;
    }

    @Test
    void only_the_learners_own_folders_are_writable_and_nothing_of_the_hosts_etc_root_or_data_is_mounted() {
        List<String> command = jail.command(account(OptionalInt.of(1234)));
        List<String> writable = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).equals("--bind")) {
                writable.add(command.get(i + 1) + " -> " + command.get(i + 2));
            }
        }
        assertEquals(List.of("/srv/homes/ann -> /home/learner", "/srv/configs/ann -> /home/learner/.docker",
                "/srv/gates/ann.sock -> /run/docker.sock"), writable);
        for (String mount : mounts(command)) {
            String source = mount.substring(0, mount.indexOf(" -> "));
            assertFalse(source.equals("/") || source.equals("/etc") || source.startsWith("/root")
                    || source.startsWith("/work") || source.equals("/tmp") || source.equals("/home")
                    || source.startsWith("/etc/shadow") || source.startsWith("/etc/passwd") || source.equals("/usr/local"),
                    "mounts " + mount);
        }
        assertTrue(mounts(command).contains(dir.resolve("docker") + " -> /usr/local/bin/docker"), mounts(command).toString());
    }

    @Test
    void every_namespace_is_new_and_the_jail_dies_with_the_server() {
        List<String> command = jail.command(account(OptionalInt.of(1234)));
        for (String flag : List.of("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                "--remount-ro")) {
            assertTrue(command.contains(flag), flag + " missing from " + command);
        }
        assertEquals("ALL", command.get(command.indexOf("--cap-drop") + 1));
        assertFalse(command.contains("--share-net"));
        assertFalse(command.contains("--new-session"), "a new session would cut the shell off its pty");
    }

    @Test
    void a_learner_with_a_linux_user_runs_as_that_user_and_without_one_as_the_server() {
        List<String> theirs = jail.command(account(OptionalInt.of(1234)));
        assertEquals(List.of(dir.resolve("prlimit").toString(), "--nproc=512", "--core=0", "--",
                dir.resolve("setpriv").toString(), "--reuid=1234", "--regid=1234", "--clear-groups", "--no-new-privs", "--",
                dir.resolve("bwrap").toString()), theirs.subList(0, 11));
        List<String> servers = jail.command(account(OptionalInt.empty()));
        assertFalse(servers.contains(dir.resolve("setpriv").toString()));
        assertEquals(dir.resolve("bwrap").toString(), servers.get(4));
    }

    @Test
    void the_environment_is_made_for_the_shell_and_names_the_learners_docker() {
        assertEquals(Set.of("TERM", "COLORTERM", "LANG", "HOME", "USER", "LOGNAME", "SHELL", "PATH", "DOCKER_HOST",
                "DOCKER_CONFIG"), jail.environment(account(OptionalInt.empty())).keySet());
        assertEquals("unix:///run/docker.sock", jail.environment(account(OptionalInt.empty())).get("DOCKER_HOST"));
        assertEquals("xterm-256color", jail.environment(account(OptionalInt.empty())).get("TERM"));
    }

    @Test
    void a_name_that_the_shell_would_read_as_code_is_never_put_in_its_prompt() throws IOException {
        assertEquals("ann", Jail.promptName("ann"));
        assertEquals("learner", Jail.promptName("a'b;rm -rf ~"));
        assertEquals("learner", Jail.promptName("$(id)"));
        assertEquals("learner", Jail.promptName(null));
        List<String> command = jail.command(new ShellAccount("x$(id)", OptionalInt.empty(), OptionalInt.empty(),
                Path.of("/h"), Path.of("/s"), Path.of("/c")));
        String bashrc = command.get(command.indexOf("/etc/bash.bashrc") - 1);
        assertFalse(Files.readString(Path.of(bashrc)).contains("$(id)"));
    }

    @Test
    void a_missing_bwrap_names_the_package_to_install() {
        TerminalUnavailable missing = assertThrows(TerminalUnavailable.class,
                () -> Jail.onThisHost(dir.resolve("nothing-here").toString()));
        assertEquals("bwrap was not found; install it with: apt-get install bubblewrap", missing.getMessage());
    }
}

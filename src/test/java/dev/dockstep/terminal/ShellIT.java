package dev.dockstep.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.LinuxUsers;
import dev.dockstep.harness.RealDocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A learner's shell in its real jail, as a throwaway Linux user of its own, with a real dockerd
 * behind the socket: what the learner can and cannot see or do.
 */
class ShellIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();
    @RegisterExtension
    static final LinuxUsers users = new LinuxUsers("dsterm");

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Path base;
    private static LinuxUsers.User ann;
    private static LinuxUsers.User ben;
    private static ShellAccount annAccount;
    private static ShellAccount benAccount;
    private static Terminals terminals;
    private final List<Shell> opened = new ArrayList<>();

    @BeforeAll
    static void prepare() throws IOException {
        ann = users.create();
        ben = users.create();
        base = Files.createTempDirectory(Path.of("/tmp"), "ds-term-");
        // Learners pass through on their way to their own folders, and see nothing else here.
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
        annAccount = account("ann", ann, true);
        benAccount = account("ben", ben, false);
        terminals = new Terminals(learner -> learner.equals("ann") ? annAccount : benAccount,
                TerminalLimits.defaults());
    }

    /**
     * A home, a docker config and a socket, all the user's own, as the provider makes them. Only
     * one learner's socket leads to the real dockerd: a socket has one owner.
     */
    private static ShellAccount account(String name, LinuxUsers.User user, boolean toDaemon) throws IOException {
        Path dir = Files.createDirectories(base.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path config = Files.createDirectories(dir.resolve("config"));
        Path socket = dir.resolve("docker.sock");
        if (toDaemon) {
            // A second name for the daemon's socket, owned by the learner, stands in for their gate.
            Files.createLink(socket, Path.of(docker.dockerHost().substring("unix://".length())));
        } else {
            try (var channel = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                channel.bind(java.net.UnixDomainSocketAddress.of(socket));
            }
        }
        for (Path path : List.of(home, config, socket)) {
            chown(path, user);
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwx------"));
        return new ShellAccount(name, OptionalInt.of(user.uid()), OptionalInt.of(user.gid()), home, socket, config);
    }

    private static void chown(Path path, LinuxUsers.User user) throws IOException {
        Files.setAttribute(path, "unix:uid", user.uid());
        Files.setAttribute(path, "unix:gid", user.gid());
    }

    @AfterEach
    void stopShells() {
        opened.forEach(shell -> shell.stop("test over"));
        opened.clear();
    }

    @AfterAll
    static void cleanUp() {
        try {
            if (terminals != null) {
                terminals.close();
            }
        } finally {
            RealDocker.deleteTree(base);
        }
    }

    private RecordingScreen open(String learner) {
        RecordingScreen screen = new RecordingScreen();
        Terminals.Opening opening = terminals.open(learner, "tab-" + UUID.randomUUID(), 100, 30, screen);
        Terminals.Opening.Attached attached = assertInstanceOf(Terminals.Opening.Attached.class, opening,
                () -> "refused: " + opening);
        opened.add(attached.shell());
        screen.await("@dockstep", WAIT);
        return screen;
    }

    private Shell last() {
        return opened.get(opened.size() - 1);
    }

    private static void type(Shell shell, String text) {
        assertTrue(shell.input(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void the_shell_runs_as_the_learners_own_unprivileged_user() {
        RecordingScreen screen = open("ann");
        type(last(), "echo \"uid=$(id -u) name=$(id -un) groups=$(id -G)\"\r");
        screen.await("uid=" + ann.uid() + " name=ann groups=" + ann.gid(), WAIT);
        assertTrue(ann.uid() != 0);
        assertTrue(screen.text().contains("ann@dockstep"), "the prompt names the learner: " + screen.text());
    }

    @Test
    void the_host_and_other_learners_are_out_of_sight() {
        RecordingScreen screen = open("ann");
        Path dockerDir = Path.of(docker.dockerHost().substring("unix://".length())).getParent().getParent();
        for (String path : List.of("/root", "/work", "/var", "/etc/shadow", "/usr/local/bin/issues", base.toString(),
                benAccount.dockerSocket().toString(), benAccount.home().toString(), dockerDir.toString())) {
            // The quotes keep the typed command, which the terminal echoes, from reading as its answer.
            type(last(), "test -e " + path + " && echo \"SE\"\"EN " + path + "\" || echo \"go\"\"ne " + path + "\"\r");
            screen.await("gone " + path, WAIT);
            assertFalse(screen.text().contains("SEEN " + path), path + " is visible in the jail");
        }
        type(last(), "echo top: $(ls /)\r");
        screen.await("top: bin dev etc home lib lib64 proc run sbin tmp usr", WAIT);
        type(last(), "echo etc: $(ls /etc)\r");
        screen.await("etc: alternatives bash.bashrc group hostname hosts inputrc ld.so.cache localtime nsswitch.conf"
                + " passwd terminfo", WAIT);
    }

    @Test
    void the_jail_has_no_network_but_loopback_and_a_read_only_root() {
        RecordingScreen screen = open("ann");
        type(last(), "echo nets: $(tail -n +3 /proc/net/dev | cut -d: -f1)\r");
        screen.await("nets: lo", WAIT);
        type(last(), "touch /usr/x /etc/x /x 2>&1 | grep -c 'Read-only file system'\r");
        screen.await("\n3\n", WAIT);
    }

    @Test
    void the_home_folder_persists_from_one_shell_to_the_next() throws IOException {
        String word = "kept-" + UUID.randomUUID();
        RecordingScreen first = open("ann");
        type(last(), "echo " + word + " > ~/note.txt && echo wr\"\"itten\r");
        first.await("written", WAIT);
        last().stop("done");
        Path note = annAccount.home().resolve("note.txt");
        assertEquals(ann.uid(), Files.getAttribute(note, "unix:uid"), "the file belongs to the learner's user");
        RecordingScreen second = open("ann");
        type(last(), "echo \"read: $(cat ~/note.txt)\"\r");
        second.await("read: " + word, WAIT);
    }

    @Test
    void the_docker_cli_reaches_the_learners_own_socket() {
        RecordingScreen screen = open("ann");
        type(last(), "echo \"$DOCKER_HOST $DOCKER_CONFIG\"; docker version --format 'ser''ver={{.Server.Version}}'\r");
        screen.await("unix:///run/docker.sock /home/learner/.docker", WAIT);
        screen.await("server=", WAIT);
        assertTrue(screen.text().matches("(?s).*server=\\d+\\.\\d+.*"), screen.text());
    }

    @Test
    void docker_login_asks_for_the_password_on_the_terminal_and_saves_it_in_the_learners_config() throws IOException {
        RecordingScreen screen = open("ann");
        type(last(), "docker login " + docker.registryAddress() + " -u " + RealDocker.USER + "\r");
        screen.await("Password:", WAIT);
        type(last(), RealDocker.PASSWORD + "\r");
        screen.await("Login Succeeded", WAIT);
        assertFalse(screen.text().contains(RealDocker.PASSWORD), "the password is not echoed");
        Path saved = annAccount.dockerConfig().resolve("config.json");
        assertTrue(Files.readString(saved).contains(docker.registryAddress()), Files.readString(saved));
        assertEquals(ann.uid(), Files.getAttribute(saved, "unix:uid"));
    }

    @Test
    void ctrl_c_interrupts_a_running_command() {
        RecordingScreen screen = open("ann");
        type(last(), "sleep 60; echo sl\"\"ept\r");
        Awaitility.await().atMost(WAIT).until(() -> descendants(last()).anyMatch(p ->
                p.info().command().orElse("").endsWith("sleep")));
        type(last(), "\u0003");
        type(last(), "echo \"rc=$?\"\r");
        screen.await("rc=130", WAIT);
        assertFalse(screen.text().contains("slept"), screen.text());
        assertTrue(screen.text().contains("^C"), screen.text());
    }

    @Test
    void the_shell_has_a_real_terminal_with_its_size_and_colours() {
        RecordingScreen screen = open("ann");
        last().resize(123, 45);
        type(last(), "[ -t 0 ] && [ -t 1 ] && echo on-a-\"\"tty; echo \"size: $(stty size)\"; ls --color=auto -d /usr\r");
        screen.await("on-a-tty", WAIT).await("size: 45 123", WAIT);
        Awaitility.await().atMost(WAIT).until(() -> screen.raw().contains("\u001b[01;34m/usr"));
    }

    @Test
    void a_stopped_shell_leaves_no_process_behind() {
        open("ann");
        Shell shell = last();
        type(shell, "sleep 300 & sleep 301 & (sleep 302 &) ; echo started\r");
        Awaitility.await().atMost(WAIT).until(() -> descendants(shell).filter(p ->
                p.info().command().orElse("").endsWith("sleep")).count() == 3);
        List<ProcessHandle> tree = Stream.concat(ProcessHandle.of(shell.pid()).stream(), descendants(shell)).toList();
        shell.stop("test");
        for (ProcessHandle process : tree) {
            assertFalse(Shell.running(process), "still running: " + process.pid() + " " + process.info().commandLine());
        }
        assertEquals(List.of(), processesOf(ann.uid()), "processes of the learner's user after the stop");
    }

    private static Stream<ProcessHandle> descendants(Shell shell) {
        return ProcessHandle.of(shell.pid()).stream().flatMap(ProcessHandle::descendants);
    }

    /** Every process whose real user is {@code uid}, from /proc; a zombie is no longer running. */
    private static List<String> processesOf(int uid) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    for (String line : Files.readAllLines(entry.resolve("status"))) {
                        if (line.startsWith("Uid:") && line.split("\\s+")[1].equals(Integer.toString(uid))
                                && ProcessHandle.of(Long.parseLong(entry.getFileName().toString())).map(Shell::running)
                                .orElse(false)) {
                            found.add(entry.getFileName() + " " + Files.readString(entry.resolve("comm")).strip());
                        }
                    }
                } catch (IOException gone) {
                    // it ended while we looked
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return found;
    }

    @Test
    void environment_of_the_server_does_not_leak_into_the_shell() {
        RecordingScreen screen = open("ann");
        type(last(), "echo \"vars: $(env | cut -d= -f1 | sort | tr '\\n' ' ')\"\r");
        screen.await("vars: ", WAIT);
        screen.await("vars: COLORTERM DOCKER_CONFIG DOCKER_HOST HOME LANG LOGNAME PATH PWD SHELL SHLVL TERM USER _ ", WAIT);
    }
}

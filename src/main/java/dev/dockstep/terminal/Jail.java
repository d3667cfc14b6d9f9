package dev.dockstep.terminal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The command that runs a learner's shell in a bubblewrap jail, as their own Linux user.
 *
 * <p>The jail sees a read-only {@code /usr} (with only the docker CLI from {@code /usr/local}),
 * an {@code /etc} of a few files made for this learner, fresh {@code /proc}, {@code /dev} and
 * {@code /tmp}, their home at {@value #HOME}, their docker config at {@value #DOCKER_CONFIG} and
 * their Docker socket at {@value #DOCKER_SOCKET}; nothing else of the host. Every namespace is
 * new, the network included: the CLI needs only the socket. The jail dies with the server.
 */
final class Jail {
    static final String HOME = "/home/learner";
    static final String DOCKER_CONFIG = HOME + "/.docker";
    static final String DOCKER_SOCKET = "/run/docker.sock";
    static final String PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    /** Processes a learner's user may have; stops a fork bomb from taking the host's PIDs. */
    static final int MAX_PROCESSES = 512;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Host files the jail's programs read, when the host has them; none holds a secret. */
    private static final List<String> HOST_ETC = List.of("/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime",
            "/etc/inputrc", "/etc/terminfo");

    private final String bwrap;
    private final String setpriv;
    private final String prlimit;
    private final Path dockerCli;
    private final Path files;
    private final int serverUid;

    private Jail(String bwrap, String setpriv, String prlimit, Path dockerCli, Path files, int serverUid) {
        this.bwrap = bwrap;
        this.setpriv = setpriv;
        this.prlimit = prlimit;
        this.dockerCli = dockerCli;
        this.files = files;
        this.serverUid = serverUid;
    }

    /**
     * Finds bwrap, setpriv and the docker CLI on this host and makes a folder for the jails'
     * {@code /etc} files; {@link #close} removes it.
     *
     * @throws TerminalUnavailable naming what is missing and how to install it
     */
    static Jail onThisHost(String path) {
        String bwrap = find("bwrap", path).orElseThrow(() -> new TerminalUnavailable(
                "bwrap was not found; install it with: apt-get install bubblewrap"));
        String setpriv = find("setpriv", path).orElseThrow(() -> new TerminalUnavailable(
                "setpriv was not found; install it with: apt-get install util-linux"));
        String prlimit = find("prlimit", path).orElseThrow(() -> new TerminalUnavailable(
                "prlimit was not found; install it with: apt-get install util-linux"));
        Path docker = find("docker", path).map(Path::of).orElseThrow(() -> new TerminalUnavailable(
                "the docker CLI was not found; install it with: apt-get install docker.io"));
        try {
            Path files = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dockstep-jail-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            // The shells' users only pass through; they cannot list who else has a folder here.
            Files.setPosixFilePermissions(files, PosixFilePermissions.fromString("rwx--x--x"));
            return new Jail(bwrap, setpriv, prlimit, docker.toRealPath(), files, ownUid());
        } catch (IOException e) {
            throw new TerminalUnavailable("cannot make a folder for the terminal's files in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage());
        }
    }

    private static Optional<String> find(String binary, String path) {
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }

    /** The command line: limits, then the learner's user, then the jail, then bash. */
    List<String> command(ShellAccount account) {
        Path etc = etcFor(account);
        List<String> command = new ArrayList<>(List.of(prlimit, "--nproc=" + MAX_PROCESSES, "--core=0", "--"));
        if (account.uid().isPresent()) {
            command.addAll(List.of(setpriv, "--reuid=" + account.uid().getAsInt(),
                    "--regid=" + account.gid().orElse(account.uid().getAsInt()), "--clear-groups", "--no-new-privs",
                    "--"));
        }
        command.addAll(List.of(bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                "--cap-drop", "ALL", "--hostname", "dockstep"));
        command.addAll(List.of("--ro-bind", "/usr", "/usr", "--tmpfs", "/usr/local",
                "--perms", "0755", "--dir", "/usr/local/bin",
                "--ro-bind", dockerCli.toString(), "/usr/local/bin/docker", "--remount-ro", "/usr/local"));
        for (String top : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
            Path host = Path.of("/", top);
            if (Files.isSymbolicLink(host)) {
                try {
                    command.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), "/" + top));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isDirectory(host)) {
                command.addAll(List.of("--ro-bind", host.toString(), "/" + top));
            }
        }
        command.addAll(List.of("--perms", "0755", "--dir", "/etc"));
        for (String file : List.of("passwd", "group", "hosts", "nsswitch.conf", "bash.bashrc", "hostname")) {
            command.addAll(List.of("--ro-bind", etc.resolve(file).toString(), "/etc/" + file));
        }
        for (String file : HOST_ETC) {
            command.addAll(List.of("--ro-bind-try", file, file));
        }
        command.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--perms", "0755", "--dir", "/run", "--perms", "0755", "--dir", "/home",
                "--bind", account.home().toString(), HOME,
                "--bind", account.dockerConfig().toString(), DOCKER_CONFIG,
                "--bind", account.dockerSocket().toString(), DOCKER_SOCKET,
                "--chdir", HOME, "--remount-ro", "/",
                "/bin/bash", "-i"));
        return command;
    }

    /** The whole environment of the shell: nothing of the server's own leaks in. */
    Map<String, String> environment(ShellAccount account) {
        String name = promptName(account.learner());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TERM", "xterm-256color");
        env.put("COLORTERM", "truecolor");
        env.put("LANG", "C.UTF-8");
        env.put("HOME", HOME);
        env.put("USER", name);
        env.put("LOGNAME", name);
        env.put("SHELL", "/bin/bash");
        env.put("PATH", PATH);
        env.put("DOCKER_HOST", "unix://" + DOCKER_SOCKET);
        env.put("DOCKER_CONFIG", DOCKER_CONFIG);
        return env;
    }

    /** The jail's {@code /etc}: a passwd and group that name the learner, and the prompt. */
    private Path etcFor(ShellAccount account) {
        int uid = account.uid().orElse(serverUid);
        int gid = account.gid().orElse(account.uid().isPresent() ? uid : serverUid);
        String name = promptName(account.learner());
        Path dir = files.resolve(name + "-" + uid);
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            String passwd = (uid == 0 ? "" : "root:x:0:0:root:/root:/usr/sbin/nologin\n")
                    + name + ":x:" + uid + ":" + gid + ":" + name + ":" + HOME + ":/bin/bash\n"
                    + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
            String group = (gid == 0 ? "" : "root:x:0:\n") + name + ":x:" + gid + ":\n" + "nogroup:x:65534:\n";
            write(dir.resolve("passwd"), passwd);
            write(dir.resolve("group"), group);
            write(dir.resolve("hosts"), "127.0.0.1 localhost dockstep\n::1 localhost ip6-localhost ip6-loopback\n");
            write(dir.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n");
            write(dir.resolve("hostname"), "dockstep\n");
            write(dir.resolve("bash.bashrc"), bashrc(name));
            return dir;
        } catch (IOException e) {
            throw new TerminalUnavailable("cannot write the terminal's files in " + dir + ": " + e.getMessage());
        }
    }

    /** Read before the learner's own ~/.bashrc, which may change any of it. */
    private static String bashrc(String name) {
        return "# dockstep: the prompt names the learner; ~/.bashrc may change it\n"
                + "[ -z \"$PS1\" ] && return\n"
                + "PS1='\\[\\e[1;32m\\]" + name + "@dockstep\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]\\$ '\n"
                + "alias ls='ls --color=auto'\n"
                + "alias grep='grep --color=auto'\n"
                + "HISTCONTROL=ignoreboth\n"
                + "shopt -s checkwinsize\n";
    }

    /** Writes whole or not at all: a shell starting at the same moment reads the old or the new file. */
    private static void write(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return;
        }
        Path temp = Files.createTempFile(file.getParent(), ".new-", ".tmp");
        Files.write(temp, bytes);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The learner's name as the prompt and passwd show it: never a character the shell would read. */
    static String promptName(String learner) {
        return learner != null && SAFE_NAME.matcher(learner).matches() ? learner : "learner";
    }

    /** The server's own Linux user, which runs a shell whose account names none. */
    private static int ownUid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        throw new IOException("/proc/self/status names no Uid");
    }

    /** Removes the jails' {@code /etc} files. */
    void close() {
        try (var paths = Files.walk(files)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // left for the system's tmp cleaner: nothing in it is secret
        }
    }
}

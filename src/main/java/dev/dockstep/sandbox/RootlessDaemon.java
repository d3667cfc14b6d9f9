package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One learner's Docker daemon, run rootless as the slot's unprivileged Linux user by Debian's
 * {@code dockerd-rootless.sh}: RootlessKit puts dockerd in a user namespace of its own, so root in
 * a container is that user outside, and a bind mount of {@code /} cannot write root's files.
 *
 * <p>RootlessKit shares the host's network ({@code NET=host}), so the daemon reaches the practice
 * registry on 127.0.0.1 as the shared daemon does; the gate keeps containers off the host's
 * network. No bridge, no iptables, no port forwarding: lessons need none.
 */
final class RootlessDaemon implements AutoCloseable {
    private static final String SCRIPT = "dockerd-rootless.sh";
    private static final List<String> SCRIPT_DIRS = List.of("/usr/share/docker.io/contrib", "/usr/share/docker/contrib");

    private final SlotDirs dirs;
    private final ManagedProcess process;

    private RootlessDaemon(SlotDirs dirs, ManagedProcess process) {
        this.dirs = dirs;
        this.process = process;
    }

    /** What running rootless Docker needs on this machine, as one line naming the packages, if any is missing. */
    static Optional<String> missingTools() {
        List<String> missing = new ArrayList<>();
        if (Commands.find(SCRIPT, SCRIPT_DIRS).isEmpty() || Commands.find("dockerd", List.of()).isEmpty()) {
            missing.add("docker.io");
        }
        if (Commands.find("rootlesskit", List.of()).isEmpty()) {
            missing.add("rootlesskit");
        }
        if (Commands.find("newuidmap", List.of()).isEmpty()) {
            missing.add("uidmap");
        }
        if (Commands.find("setpriv", List.of()).isEmpty()) {
            missing.add("util-linux");
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("per-learner sandboxes need rootless Docker; install"
                + " it with: apt-get install " + String.join(" ", missing));
    }

    /**
     * Starts the daemon as {@code user} and waits until it answers a ping. A daemon left behind
     * by a server that was killed is stopped first.
     *
     * @throws SandboxException with one line saying what went wrong
     */
    static RootlessDaemon start(SlotDirs dirs, LinuxUsers.LinuxUser user, Duration timeout) {
        missingTools().ifPresent(why -> {
            throw new SandboxException(why);
        });
        stopLeftover(dirs);
        // XDG_RUNTIME_DIR holds only what a running daemon made (its pid file, sockets, containerd's
        // state). One that died leaves them, and dockerd refuses to start on a stale pid file.
        Trees.deleteContents(dirs.run());
        String script = Commands.find(SCRIPT, SCRIPT_DIRS).orElseThrow().toString();
        String setpriv = Commands.find("setpriv", List.of()).orElseThrow().toString();
        List<String> command = List.of(setpriv, "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups",
                script,
                "--data-root", dirs.dataRoot().toString(),
                "-H", "unix://" + dirs.daemonSocket(),
                "--pidfile", dirs.run().resolve("docker.pid").toString(),
                "--bridge=none", "--iptables=false", "--ip6tables=false");
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", dirs.home().toString());
        env.put("XDG_RUNTIME_DIR", dirs.run().toString());
        env.put("DOCKERD_ROOTLESS_ROOTLESSKIT_NET", "host");
        env.put("DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER", "none");
        ManagedProcess process = ManagedProcess.start("dockerd (rootless, " + user.name() + ")", command, env,
                dirs.log());
        try {
            Files.writeString(dirs.pidFile(), Long.toString(process.pid()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            process.close();
            throw new SandboxException("cannot write " + dirs.pidFile() + ": " + e.getMessage(), e);
        }
        Waits.until(process, timeout, () -> Waits.dockerPings(dirs.daemonSocket()));
        return new RootlessDaemon(dirs, process);
    }

    /** Stops a daemon that an earlier run of the server left running (it names its data root). */
    static void stopLeftover(SlotDirs dirs) {
        ManagedProcess.stopLeftover(dirs.pidFile(), dirs.dataRoot().toString());
    }

    /** The value for {@code DOCKER_HOST} of whoever may talk to the daemon directly (checks, the gate). */
    String dockerHost() {
        return "unix://" + dirs.daemonSocket();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Every process of the sandbox: RootlessKit and all it started (dockerd, containerd, containers). */
    List<ProcessHandle> processes() {
        return ProcessHandle.of(process.pid()).map(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p),
                p.descendants()).toList()).orElse(List.of());
    }

    @Override
    public void close() {
        process.close();
        try {
            Files.deleteIfExists(dirs.pidFile());
        } catch (IOException ignored) {
            // the next start stops nothing when the PID names another program
        }
    }
}

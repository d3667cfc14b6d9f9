package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private dockerd that dockstep starts and owns: its own socket, data root, exec root and pid
 * file, all under one folder, with no bridge and no iptables rules so that it leaves the host's
 * network alone.
 */
public final class ManagedDaemon implements AutoCloseable {
    /** Unix socket paths are limited to 107 bytes; containerd's lives deepest, under exec/. */
    private static final int LONGEST_SUFFIX = "/exec/containerd/containerd.sock.ttrpc".length();
    private static final int UNIX_PATH_MAX = 107;

    private final Path dir;
    private final ManagedProcess process;

    private ManagedDaemon(Path dir, ManagedProcess process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts dockerd under {@code dir} and waits until it answers a ping.
     *
     * @throws SandboxException with one line saying what went wrong and what to do
     */
    public static ManagedDaemon start(Path dir, String dockerdBinary, Duration timeout) {
        Path home = dir.toAbsolutePath().normalize();
        if (home.toString().length() + LONGEST_SUFFIX > UNIX_PATH_MAX) {
            throw new SandboxException("the folder " + home + " is too deep for Docker's sockets (at most "
                    + (UNIX_PATH_MAX - LONGEST_SUFFIX) + " characters); choose a shorter --data folder");
        }
        String binary = ManagedProcess.findBinary(dockerdBinary, "docker.io");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new SandboxException("cannot create " + home + ": " + e.getMessage(), e);
        }
        Path pidFile = home.resolve("docker.pid");
        ManagedProcess.stopLeftover(pidFile, pidFile.toString());
        Mounts.unmountUnder(home);
        Path socket = home.resolve("docker.sock");
        ManagedProcess process = ManagedProcess.start("dockerd", List.of(binary,
                "-H", "unix://" + socket,
                "--data-root", home.resolve("data").toString(),
                "--exec-root", home.resolve("exec").toString(),
                "--pidfile", pidFile.toString(),
                "--bridge=none", "--iptables=false", "--ip6tables=false"), home.resolve("dockerd.log"));
        Waits.until(process, timeout, () -> Waits.dockerPings(socket));
        return new ManagedDaemon(home, process);
    }

    /** The value for {@code DOCKER_HOST}. */
    public String dockerHost() {
        return "unix://" + dir.resolve("docker.sock");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.close();
    }
}

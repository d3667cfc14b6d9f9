package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The folders of one per-learner sandbox slot, {@code data/sandboxes/N/}. The slot folder itself
 * is root's (0711), so the learner cannot swap the gate's socket or the pid file for something
 * else; the folders the learner's processes write are theirs alone (0700).
 *
 * <pre>
 * N/            root 0711
 *   gate.sock   the learner's, 0600: their docker CLI's DOCKER_HOST
 *   rootless.pid, dockerd.log   root's
 *   docker/     the daemon's data root
 *   run/        XDG_RUNTIME_DIR: the daemon's own socket, containerd
 *   config/     DOCKER_CONFIG
 *   home/       the learner's home in their terminal
 * </pre>
 */
record SlotDirs(Path root) {
    /** Unix socket paths hold at most 107 bytes; containerd's lives deepest, under run/. */
    private static final int LONGEST_SUFFIX = "/run/docker/containerd/containerd.sock.ttrpc".length();
    private static final int UNIX_PATH_MAX = 107;

    Path dataRoot() {
        return root.resolve("docker");
    }

    Path run() {
        return root.resolve("run");
    }

    Path daemonSocket() {
        return run().resolve("docker.sock");
    }

    Path config() {
        return root.resolve("config");
    }

    Path home() {
        return root.resolve("home");
    }

    Path gateSocket() {
        return root.resolve("gate.sock");
    }

    Path pidFile() {
        return root.resolve("rootless.pid");
    }

    Path log() {
        return root.resolve("dockerd.log");
    }

    /** Why sockets cannot live here, if the path is too long for them. */
    static java.util.Optional<String> tooDeep(Path slotRoot) {
        int length = slotRoot.toAbsolutePath().toString().length();
        return length + LONGEST_SUFFIX > UNIX_PATH_MAX
                ? java.util.Optional.of("the folder " + slotRoot + " is too deep for Docker's sockets (at most "
                + (UNIX_PATH_MAX - LONGEST_SUFFIX) + " characters); choose a shorter --data folder")
                : java.util.Optional.empty();
    }

    /** Creates the folders with their owners and modes; existing ones get them again. */
    void create(LinuxUsers.LinuxUser user) {
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            for (Path dir : List.of(dataRoot(), run(), config(), home())) {
                Files.createDirectories(dir);
                Owners.set(dir, user.uid(), user.gid());
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new SandboxException("cannot prepare the sandbox folder " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Empties the folders that hold the learner's Docker: images, containers, logins. Only called
     * while none of the learner's processes run, so nothing can swap a folder for a link meanwhile.
     */
    void wipeDocker() {
        for (Path dir : List.of(dataRoot(), run(), config())) {
            Trees.deleteContents(dir);
        }
    }
}

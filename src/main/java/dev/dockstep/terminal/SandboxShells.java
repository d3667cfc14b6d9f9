package dev.dockstep.terminal;

import dev.dockstep.common.Messages;
import dev.dockstep.sandbox.Sandbox;
import dev.dockstep.sandbox.SandboxException;
import dev.dockstep.sandbox.SandboxProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Who a learner's terminal runs as and what it reaches, from the sandbox provider: their
 * sandbox's Linux user, home, gate and config folder. With one Docker for everyone (shared, host)
 * the shell runs as the server's own user, and that Docker is root on this machine for whoever
 * reaches it: so only while the server listens on this machine alone.
 */
public final class SandboxShells implements Function<String, ShellAccount> {
    private final SandboxProvider sandboxes;
    private final Path data;
    private final String host;

    /**
     * @param data the data folder, where shared-mode homes live
     * @param host the address the server listens on
     */
    public SandboxShells(SandboxProvider sandboxes, Path data, String host) {
        this.sandboxes = sandboxes;
        this.data = data;
        this.host = host;
    }

    /** @throws IllegalStateException with one line for the learner */
    @Override
    public ShellAccount apply(String learner) {
        Sandbox sandbox;
        try {
            sandbox = sandboxes.forLearner(learner);
        } catch (SandboxException e) {
            throw new IllegalStateException(Messages.sentence(e.getMessage()), e);
        }
        Path socket = Path.of(sandbox.learnerDockerHost().replaceFirst("^unix://", ""));
        if (sandbox.user().isPresent()) {
            var user = sandbox.user().get();
            return new ShellAccount(learner, OptionalInt.of(user.uid()), OptionalInt.of(user.gid()), sandbox.home(),
                    socket, sandbox.dockerConfig());
        }
        if (!isLoopback(host)) {
            throw new IllegalStateException("The terminal is off on this server: it shares one Docker among all"
                    + " learners and listens beyond this machine (--host " + host + ").");
        }
        if (!sandbox.learnerDockerHost().startsWith("unix://")) {
            throw new IllegalStateException("The terminal needs Docker on a unix socket, not "
                    + sandbox.learnerDockerHost() + ".");
        }
        Path home = data.resolve("terminal").resolve(learner);
        try {
            Files.createDirectories(home);
            Files.createDirectories(sandbox.dockerConfig());
        } catch (IOException e) {
            throw new IllegalStateException("Your terminal's home could not be made: " + e.getMessage(), e);
        }
        return new ShellAccount(learner, OptionalInt.empty(), OptionalInt.empty(), home, socket, sandbox.dockerConfig());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

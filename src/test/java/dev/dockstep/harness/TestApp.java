package dev.dockstep.harness;

import dev.dockstep.sandbox.LinuxUsers;
import dev.dockstep.sandbox.PerLearnerSandboxes;
import dev.dockstep.sandbox.Ports;

import dev.dockstep.App;
import dev.dockstep.Config;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * dockstep in the test's own JVM, on a free port with its own managed dockerd and registry in a
 * temporary data folder. {@link #close} stops it all by PID and removes the folder.
 */
public final class TestApp implements AutoCloseable {
    private final Path data;
    private final App app;

    private TestApp(Path data, App app) {
        this.data = data;
        this.app = app;
    }

    /** Starts dockstep on {@code lessons}; {@code tune} may change the config further. */
    public static TestApp start(Path lessons, UnaryOperator<Config> tune) {
        return start(lessons, tune, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
    }

    public static TestApp start(Path lessons, UnaryOperator<Config> tune, Map<String, String> env, PrintStream out) {
        Path data = dataFolder("ds-app-");
        // Per-learner sandboxes, as serve runs them, but none started ahead: a test's learners start their own.
        Config config = Config.defaults().withDirs(data, lessons).withPorts(0, Ports.free())
                .withSandboxes(PerLearnerSandboxes.Options.defaults().withPool(0));
        App app = App.create(tune.apply(config), env, out);
        try {
            app.start();
        } catch (RuntimeException e) {
            RealDocker.deleteTree(data);
            throw e;
        }
        return new TestApp(data, app);
    }

    public App app() {
        return app;
    }

    public Path data() {
        return data;
    }

    public String base() {
        return "http://localhost:" + app.port();
    }

    @Override
    public void close() {
        stop(app);
        RealDocker.deleteTree(data);
    }

    /**
     * A temporary data folder that the sandboxes' Linux users can pass through (0711), as
     * per-learner sandboxes need: Java makes temporary folders 0700.
     */
    public static Path dataFolder(String prefix) {
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            return dir;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Removes the Linux users that a server on {@code data} made for its sandboxes, if any. */
    public static void removeSandboxUsers(Path data) {
        Path id = data.resolve("sandboxes/id");
        try {
            if (Files.exists(id)) {
                LinuxUsers users = new LinuxUsers();
                LinuxUsers.named(Files.readString(id).strip()).forEach(users::remove);
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Stops an app and removes the Linux users its per-learner sandboxes ran as. */
    public static void stop(App app) {
        String prefix = app.sandboxes() instanceof PerLearnerSandboxes sandboxes ? sandboxes.userPrefix() : null;
        try {
            app.stop();
        } finally {
            if (prefix != null) {
                LinuxUsers users = new LinuxUsers();
                LinuxUsers.named(prefix).forEach(users::remove);
            }
        }
    }
}

package dev.dockstep.harness;

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
        Path data;
        try {
            data = Files.createTempDirectory(Path.of("/tmp"), "ds-app-");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        App app = App.create(tune.apply(Config.defaults().withDirs(data, lessons).withPorts(0, Ports.free())), env, out);
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
        try {
            app.stop();
        } finally {
            RealDocker.deleteTree(data);
        }
    }
}

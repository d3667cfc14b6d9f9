package dev.dockstep.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged {@code dockstep} run as its own process, as a user runs it. */
public final class DockstepProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target/dockstep.jar");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private DockstepProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "dockstep-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -jar target/dockstep.jar args…} with extra environment; stdout and stderr are merged. */
    public static DockstepProcess start(Map<String, String> env, String... args) {
        return start(List.of(), env, args);
    }

    /** The same, with options for the JVM, such as a small heap. */
    public static DockstepProcess start(List<String> jvmOptions, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            return new DockstepProcess(builder.start());
        } catch (IOException e) {
            throw new AssertionError("cannot start dockstep: " + e.getMessage(), e);
        }
    }

    /** Runs dockstep to its end and returns its exit code and output. */
    public static Cli.Result run(Map<String, String> env, String... args) {
        try (DockstepProcess p = start(env, args)) {
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("dockstep did not end: " + p.output());
            }
            p.reader.join(5_000);
            return new Cli.Result(p.process.exitValue(), p.output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until the output contains {@code text}. */
    public void awaitOutput(String text) throws InterruptedException {
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> output.toString().contains(text) || !process.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no '" + text + "' in: " + output);
        }
        if (!output.toString().contains(text)) {
            reader.join(5_000);
            throw new AssertionError("dockstep exited with " + process.exitValue() + ": " + output);
        }
    }

    public String output() {
        return output.toString();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Sends SIGTERM, as Ctrl-C or a service manager would, and waits for the exit. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("dockstep ignored SIGTERM: " + output);
        }
        return process.exitValue();
    }

    /** Even when a test fails half-way: SIGTERM first, so dockstep stops its own children by PID. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

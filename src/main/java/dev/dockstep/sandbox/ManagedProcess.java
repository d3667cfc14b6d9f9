package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A child process that dockstep starts and owns. It is always stopped by its PID (never by
 * name), first politely and then forcibly, so that Ctrl-C leaves nothing running.
 */
final class ManagedProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(15);

    private final String name;
    private final ProcessHandle handle;
    /** Completes when the process has exited; our own child, so the JDK's reaper completes it. */
    private final java.util.concurrent.CompletableFuture<ProcessHandle> exited;
    private final Path log;

    private ManagedProcess(String name, ProcessHandle handle, Path log) {
        this.name = name;
        this.handle = handle;
        this.exited = handle.onExit();
        this.log = log;
    }

    /** Starts {@code command}, sending its output to {@code log}. */
    static ManagedProcess start(String name, List<String> command, Path log) {
        return start(name, command, null, log);
    }

    /**
     * Starts {@code command} with exactly the environment {@code env} (or this process's, when
     * null), sending its output to {@code log}.
     */
    static ManagedProcess start(String name, List<String> command, java.util.Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command);
            if (env != null) {
                builder.environment().clear();
                builder.environment().putAll(env);
            }
            Process process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            return new ManagedProcess(name, process.toHandle(), log);
        } catch (IOException e) {
            throw new SandboxException("could not start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Looks up the binary on PATH unless it is already a path; names the package when it is missing. */
    static String findBinary(String binary, String debianPackage) {
        if (binary.contains("/")) {
            if (Files.isExecutable(Path.of(binary))) {
                return binary;
            }
        } else {
            String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
            for (String dir : path.split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new SandboxException(binary + " was not found; install it with: apt-get install " + debianPackage);
    }

    /**
     * Stops a process left behind by an earlier run that was killed before it could clean up. Only
     * a live process whose command line names {@code marker} (its own pid file or config) is
     * touched, so a recycled PID that belongs to something else is left alone.
     */
    static void stopLeftover(Path pidFile, String marker) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            Optional<ProcessHandle> old = ProcessHandle.of(pid);
            if (old.isPresent() && old.get().info().commandLine().orElse("").contains(marker)) {
                stop(old.get(), GRACE);
            }
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            // An unreadable pid file names no process we could safely stop.
        }
    }

    long pid() {
        return handle.pid();
    }

    boolean isAlive() {
        // Asked on every page view: a completed future, not a look into /proc each time.
        return !exited.isDone();
    }

    /** The last line the process wrote, for error messages. */
    String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
        } catch (IOException e) {
            // fall through: no log is as good as an empty one here
        }
        return "(no output)";
    }

    Path log() {
        return log;
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        stop(handle, GRACE);
    }

    /**
     * SIGTERM, then SIGKILL after {@code grace}; then whatever the process started and left
     * behind is killed too, so nothing of it keeps running.
     */
    private static void stop(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            stopOne(process, grace);
        } finally {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void stopOne(ProcessHandle process, Duration grace) {
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            try {
                process.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more can be done to a process that survives SIGKILL
            }
        }
    }
}

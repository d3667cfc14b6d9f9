package dev.dockstep.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short administrative command (useradd, chown, …) with a real deadline: its output goes
 * to a file, so a command that hangs with its output open cannot block the caller past it.
 */
final class Commands {
    private static final int MAX_OUTPUT = 16 * 1024;

    private Commands() {
    }

    /** Exit code and the first {@value #MAX_OUTPUT} bytes of what the command printed. */
    record Result(int exit, String output) {
        String firstLine() {
            return output.strip().lines().findFirst().orElse("no output");
        }
    }

    /**
     * @throws SandboxException when the command cannot start, or runs past the deadline (it is
     *     then killed, with everything it started)
     */
    static Result run(List<String> command, Duration deadline) {
        File log = null;
        try {
            log = File.createTempFile("dockstep-cmd", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new SandboxException(command.get(0) + " did not finish within " + deadline.toSeconds() + " s");
            }
            byte[] output;
            try (var in = Files.newInputStream(log.toPath())) {
                output = in.readNBytes(MAX_OUTPUT);
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SandboxException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while running " + command.get(0), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log.toPath());
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** The absolute path of a program, looked up like a shell does, or empty. */
    static java.util.Optional<Path> find(String program, List<String> extraDirs) {
        String path = java.util.Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
        java.util.List<String> dirs = new java.util.ArrayList<>(List.of(path.split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        dirs.addAll(extraDirs);
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, program)).filter(Files::isExecutable)
                .findFirst();
    }
}

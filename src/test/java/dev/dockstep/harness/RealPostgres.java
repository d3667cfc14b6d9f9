package dev.dockstep.harness;

import dev.dockstep.sandbox.Ports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL cluster for a test class: {@code initdb} as the {@code postgres} user
 * (PostgreSQL refuses root) in a temporary folder, on a free port, stopped by the PID in its
 * {@code postmaster.pid} after the class.
 */
public final class RealPostgres implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private int port;
    private Path bin;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        bin = binaries();
        dir = Files.createTempDirectory(Path.of("/tmp"), "ds-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var postgresUser = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgresUser);
        Path data = dir.resolve("data");
        asPostgres("mkdir -p " + data + " && chmod 700 " + data);
        port = Ports.free();
        asPostgres(bin.resolve("initdb") + " -D " + data + " -U dockstep --auth=trust -E UTF8 --no-sync >/dev/null");
        asPostgres(bin.resolve("pg_ctl") + " -D " + data + " -l " + dir.resolve("postgres.log") + " -w -t 30 -o \"-p "
                + port + " -k " + dir + " -h 127.0.0.1 -c fsync=on\" start >/dev/null");
        asPostgres(bin.resolve("createdb") + " -h 127.0.0.1 -p " + port + " -U dockstep dockstep");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        RealDocker.deleteTree(dir);
    }

    /** Stops the server by the PID in its pid file, politely first. */
    public void stop() throws Exception {
        Path pidFile = dir.resolve("data/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        Optional<ProcessHandle> server = ProcessHandle.of(pid);
        if (server.isPresent()) {
            server.get().destroy();
            server.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** A JDBC URL for the test database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/dockstep?user=dockstep";
    }

    private static Path binaries() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: apt-get install postgresql"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("PostgreSQL is not installed: apt-get install postgresql", e);
        }
    }

    private static void asPostgres(String command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", "sh", "-c", command));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("'" + command + "' failed: " + output.strip());
        }
    }

}

package dev.dockstep.bench;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * dockstep as a user runs it, for the benchmarks: {@code java -jar target/dockstep.jar serve} in a
 * process of its own, so that its start-up and its memory are measured apart from the benchmark.
 */
final class Server implements AutoCloseable {
    private final Process process;
    private final Path dir;
    final int port;
    final long startedNanos;
    final long healthyNanos;

    private Server(Process process, Path dir, int port, long startedNanos, long healthyNanos) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.startedNanos = startedNanos;
        this.healthyNanos = healthyNanos;
    }

    /**
     * Starts the server as {@code bin/dockstep up} does, class-data sharing included: a first
     * run after a build writes the archive, so this makes one when it is missing or stale.
     */
    static Server startWarm(Path dir, Path lessons, List<String> serveArgs) throws Exception {
        Path jsa = jar().resolveSibling("dockstep.jsa");
        if (!Files.exists(jsa) || Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar())) < 0) {
            try (Server training = start(dir.resolve("t"), lessons, List.of("-XX:ArchiveClassesAtExit=" + jsa,
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), serveArgs)) {
                training.touch();
            }
        }
        return start(dir, lessons, List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                serveArgs);
    }

    /** Loads a page, so that the class archive holds what serving pages needs. */
    private void touch() throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/")).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** Starts the server and waits for the first 200 on /healthz; {@code serveArgs} go to {@code serve}. */
    static Server start(Path dir, Path lessons, List<String> serveArgs) throws Exception {
        return start(dir, lessons, List.of(), serveArgs);
    }

    private static Server start(Path dir, Path lessons, List<String> extraJvmOptions, List<String> serveArgs)
            throws Exception {
        Files.createDirectories(dir);
        // Per-learner sandboxes' users pass through the data folder's parents.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        int port = dev.dockstep.sandbox.Ports.free();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar().toString(), "serve",
                "--data", dir.resolve("data").toString(), "--lessons", lessons.toString(),
                "--port", Integer.toString(port), "--registry-port", Integer.toString(dev.dockstep.sandbox.Ports.free()),
                "--company-registry-port", Integer.toString(dev.dockstep.sandbox.Ports.free())));
        command.addAll(serveArgs);
        command.addAll(1, extraJvmOptions);
        command.addAll(1, jvmOptions());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build();
        while (true) {
            if (!process.isAlive()) {
                // The log's last line says why; the whole log stays in the bench's folder.
                List<String> log = Files.readAllLines(dir.resolve("server.log")).stream()
                        .filter(line -> !line.isBlank()).toList();
                throw new IllegalStateException("dockstep exited with status " + process.waitFor() + ": "
                        + (log.isEmpty() ? "it printed nothing" : log.get(log.size() - 1)));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new Server(process, dir, port, started, System.nanoTime());
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
                process.destroy();
                throw new IllegalStateException("dockstep did not become healthy within 60 s");
            }
            Thread.sleep(5);
        }
    }

    /** The JVM options bin/dockstep uses, so the figures are those a user gets. */
    static List<String> jvmOptions() {
        String options = System.getenv("DOCKSTEP_JAVA_OPTS");
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Resident memory of the server's JVM, from /proc. */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** Signs a learner up and returns their session cookie. */
    String signUp(String name, String password) throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/signup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name + "\",\"password\":\"" + password
                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("sign-up of " + name + " failed: " + response.body());
        }
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("dockstep_session"))
                .map(c -> c.getName() + "=" + c.getValue()).findFirst().orElseThrow();
    }

    Map<String, String> dockerEnv(Path dir) {
        return Map.of("DOCKER_HOST", "unix://" + dir.resolve("data/docker/docker.sock"),
                "DOCKER_CONFIG", dir.resolve("data/docker-config").toString());
    }

    static Path jar() {
        Path jar = Path.of("target/dockstep.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("target/dockstep.jar is missing; run bin/dockstep bench, which builds it");
        }
        return jar;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Stops the server, then removes the Linux users its per-learner sandboxes ran as. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Path id = dir.resolve("data/sandboxes/id");
        if (Files.exists(id)) {
            dev.dockstep.sandbox.LinuxUsers users = new dev.dockstep.sandbox.LinuxUsers();
            dev.dockstep.sandbox.LinuxUsers.named(Files.readString(id).strip()).forEach(users::remove);
        }
    }
}

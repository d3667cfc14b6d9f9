package dev.dockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench pages}: a lesson page for a signed-in learner under 64 connections for 20 s, with
 * wrk, beside nginx serving the same rendered HTML as a static file in the same run.
 */
final class PagesBench {
    static final int CONNECTIONS = 64;
    static final int SECONDS = 20;

    private final PrintStream out;

    PagesBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path dir) throws Exception {
        requireTools();
        Files.createDirectories(dir);
        out.println("pages: starting dockstep …");
        try (Server server = Server.start(dir, Path.of("lessons"), List.of())) {
            String session = server.signUp("pagebench", "pagebench-password");
            String url = server.base() + "/courses/docker-hub/tag";
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString());
            // Send every cookie a browser would keep, the CSRF one too, so each request is a return visit.
            String cookie = session + "; " + page.headers().allValues("Set-Cookie").stream()
                    .map(c -> c.substring(0, c.indexOf(';'))).collect(java.util.stream.Collectors.joining("; "));
            if (page.statusCode() != 200) {
                throw new IllegalStateException("the lesson page answered " + page.statusCode());
            }
            Path www = Files.createDirectories(dir.resolve("nginx/www"));
            Files.writeString(www.resolve("lesson.html"), page.body(), StandardCharsets.UTF_8);
            // nginx's workers run as another user: let them into the (private) temporary folders.
            for (Path p = www; p != null && !p.equals(Path.of("/tmp")) && !p.equals(Path.of("/")); p = p.getParent()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            try (Nginx nginx = Nginx.start(dir.resolve("nginx"))) {
                out.printf("pages: %d connections for %d s against dockstep …%n", CONNECTIONS, SECONDS);
                Wrk.Load ours = Wrk.run(url, CONNECTIONS, SECONDS, "Cookie: " + cookie, null);
                out.printf("pages: the same against nginx serving the same HTML …%n");
                Wrk.Load floor = Wrk.run("http://127.0.0.1:" + nginx.port + "/lesson.html", CONNECTIONS, SECONDS, null, null);
                if (floor.errors() > 0 || ours.errors() > 0) {
                    throw new IllegalStateException("errors under load (dockstep " + ours.errors() + ", nginx "
                            + floor.errors() + "); the comparison would mean nothing");
                }
                double ratio = Math.round(ours.requestsPerSecond() / floor.requestsPerSecond() * 100) / 100.0;
                out.printf("%n  %-34s %.0f req/s, p99 %.2f ms, %d errors%n", "lesson page (dockstep)",
                        ours.requestsPerSecond(), ours.p99Ms(), ours.errors());
                out.printf("  %-34s %.0f req/s, p99 %.2f ms%n", "same HTML (nginx, the floor)",
                        floor.requestsPerSecond(), floor.p99Ms());
                out.printf("  %-34s %.2f x nginx (target >= 0.50)%n%n", "throughput", ratio);
                Map<String, Object> results = new LinkedHashMap<>();
                results.put("dockstep", ours);
                results.put("nginx", floor);
                results.put("ratio", ratio);
                return results;
            }
        }
    }

    static void requireTools() {
        for (String[] tool : new String[][] {{"wrk", "wrk"}, {"nginx", "nginx"}}) {
            boolean found = java.util.Arrays.stream(Optional.ofNullable(System.getenv("PATH")).orElse("").split(":"))
                    .anyMatch(d -> Files.isExecutable(Path.of(d, tool[0])))
                    || Files.isExecutable(Path.of("/usr/sbin", tool[0]));
            if (!found) {
                throw new IllegalStateException(tool[0] + " was not found; install it with: apt-get install " + tool[1]);
            }
        }
    }

    /** nginx with a config of our own, on a free port, stopped by the PID in its pid file. */
    static final class Nginx implements AutoCloseable {
        final int port;
        private final Path dir;
        private final Process process;

        private Nginx(Path dir, int port, Process process) {
            this.dir = dir;
            this.port = port;
            this.process = process;
        }

        static Nginx start(Path dir) throws Exception {
            int port = dev.dockstep.sandbox.Ports.free();
            Files.createDirectories(dir.resolve("logs"));
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, """
                    worker_processes 2;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/logs/error.log;
                    events { worker_connections 1024; }
                    http {
                      access_log off;
                      client_body_temp_path %1$s/tmp;
                      server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                        location / { default_type text/html; }
                      }
                    }
                    """.formatted(dir, port));
            String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
            Process process = new ProcessBuilder(binary, "-c", conf.toString(), "-p", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("logs/out.log").toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 200; i++) {
                try {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/lesson.html")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return new Nginx(dir, port, process);
                } catch (IOException notYet) {
                    Thread.sleep(25);
                }
            }
            process.destroy();
            throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("logs/out.log")));
        }

        @Override
        public void close() throws Exception {
            Path pidFile = dir.resolve("nginx.pid");
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

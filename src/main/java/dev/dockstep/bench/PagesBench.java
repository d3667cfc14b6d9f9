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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench pages}: a lesson page for a signed-in learner under 64 connections for 20 s, with
 * wrk, beside nginx serving the same rendered HTML as a static file in the same run.
 */
final class PagesBench {
    static final int CONNECTIONS = 64;
    static final int SECONDS = 20;
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final PrintStream out;

    PagesBench(PrintStream out) {
        this.out = out;
    }

    /** One wrk run's figures. */
    record Load(double requestsPerSecond, double p99Ms, long non2xx) {
    }

    Map<String, Object> run(Path dir) throws Exception {
        requireTools();
        Files.createDirectories(dir);
        out.println("pages: starting dockstep …");
        try (Server server = Server.start(dir, Path.of("lessons"))) {
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
                Load ours = wrk(url, cookie);
                out.printf("pages: the same against nginx serving the same HTML …%n");
                Load floor = wrk("http://127.0.0.1:" + nginx.port + "/lesson.html", null);
                if (floor.non2xx() > 0 || ours.non2xx() > 0) {
                    throw new IllegalStateException("errors under load (dockstep " + ours.non2xx() + ", nginx "
                            + floor.non2xx() + "); the comparison would mean nothing");
                }
                double ratio = Math.round(ours.requestsPerSecond() / floor.requestsPerSecond() * 100) / 100.0;
                out.printf("%n  %-34s %.0f req/s, p99 %.2f ms, %d errors%n", "lesson page (dockstep)",
                        ours.requestsPerSecond(), ours.p99Ms(), ours.non2xx());
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

    private Load wrk(String url, String cookie) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("wrk", "-t2", "-c" + CONNECTIONS, "-d" + SECONDS + "s",
                "--latency"));
        if (cookie != null) {
            command.addAll(List.of("-H", "Cookie: " + cookie));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(SECONDS + 30, TimeUnit.SECONDS);
        Matcher rps = RPS.matcher(output);
        Matcher p99 = P99.matcher(output);
        if (!rps.find() || !p99.find()) {
            throw new IllegalStateException("cannot read wrk's output: " + output);
        }
        double latency = Double.parseDouble(p99.group(1));
        latency = switch (p99.group(2)) {
            case "us" -> latency / 1000;
            case "s" -> latency * 1000;
            default -> latency;
        };
        Matcher errors = ERRORS.matcher(output);
        return new Load(Double.parseDouble(rps.group(1)), latency, errors.find() ? Long.parseLong(errors.group(1)) : 0);
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
            int port = ChecksBench.freePort();
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

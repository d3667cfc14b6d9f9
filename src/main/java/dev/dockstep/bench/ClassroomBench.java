package dev.dockstep.bench;

import com.github.dockerjava.api.DockerClient;
import dev.dockstep.sandbox.DockerClients;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bench classroom} and {@code bench startup}: learners check their own steps at once for
 * 30 s, each on references of their own, against dockstep in a process of its own; then its
 * resident memory. Two classes: 200 learners on one shared daemon (the check engine's load), and
 * 40 learners each in a per-learner sandbox of their own, as a classroom runs. Start-up is the
 * default (per-learner) server's time from launch to the first 200 on /healthz.
 */
final class ClassroomBench {
    static final int LEARNERS = 200;
    static final int SANDBOXED_LEARNERS = 40;
    static final int SECONDS = 30;
    private static final int STARTS = 3;

    /**
     * wrk's script: each of its two threads takes every other learner's cookie, and each request
     * (a step check, a JSON POST) goes as the thread's next learner in turn.
     */
    private static final String LUA = """
            local next_id = 0
            function setup(thread)
              thread:set("id", next_id)
              next_id = next_id + 1
            end
            local cookies = {}
            local turn = 0
            function init(args)
              local n = 0
              for line in io.lines(args[1]) do
                if n % 2 == id then table.insert(cookies, line) end
                n = n + 1
              end
            end
            function request()
              turn = turn % #cookies + 1
              return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Cookie"] = cookies[turn]}, "{}")
            end
            """;

    private final PrintStream out;

    ClassroomBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path dir, boolean classroom) throws Exception {
        if (classroom) {
            PagesBench.requireTools();
        }
        Path lessons = Files.createDirectories(dir.resolve("lessons/classroom"));
        Files.writeString(lessons.resolve("index.md"), "---\ntitle: Classroom\n---\n");
        Files.writeString(lessons.resolve("01-check.md"), "---\ntitle: Check\nsetup:\n  images: [backend:0.1]\n---\n"
                + "## Tag it\n```check\nimage {{repo}}/class:1\nsame-image backend:0.1 {{repo}}/class:1\n```\n");
        Map<String, Object> results = new LinkedHashMap<>();
        // Start-up varies by several hundred ms from run to run on a shared 2-core machine: the
        // figure is the median of three starts, each on a fresh data folder.
        List<Long> starts = new ArrayList<>();
        for (int i = 1; i < STARTS; i++) {
            out.printf("startup: launching dockstep (%d of %d) and waiting for /healthz …%n", i, STARTS);
            try (Server server = Server.startWarm(dir.resolve("s" + i), dir.resolve("lessons"), List.of())) {
                starts.add(Math.round((server.healthyNanos - server.startedNanos) / 1e6));
            }
        }
        out.printf("startup: launching dockstep (%d of %d) and waiting for /healthz …%n", STARTS, STARTS);
        try (Server server = Server.startWarm(dir.resolve("s0"), dir.resolve("lessons"), List.of())) {
            starts.add(Math.round((server.healthyNanos - server.startedNanos) / 1e6));
        }
        List<Long> sorted = starts.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        out.printf("%n  %-34s %d ms, median of %d (%d-%d ms) (target <= 2000 ms)%n%n",
                "start-up to the first 200 on /healthz", median, STARTS, sorted.get(0), sorted.get(sorted.size() - 1));
        results.put("startupMs", median);
        results.put("startupRunsMs", starts);
        if (!classroom) {
            return results;
        }
        results.put("shared", shared(dir.resolve("shared"), dir.resolve("lessons")));
        results.put("perLearner", perLearner(dir.resolve("pl"), dir.resolve("lessons")));
        return results;
    }

    /** 200 learners on one shared daemon: the load of checks alone, as before sandboxes were per learner. */
    private Map<String, Object> shared(Path dir, Path lessons) throws Exception {
        try (Server server = Server.startWarm(dir, lessons, List.of("--sandbox", "shared"))) {
            List<String> cookies = signUp(server, "class", LEARNERS);
            // Half the learners have done the work, half not: both verdicts are exercised.
            try (DockerClient docker = DockerClients.writable(server.dockerEnv(dir).get("DOCKER_HOST"))) {
                String registry = registryOf(server);
                for (int i = 0; i < LEARNERS; i += 2) {
                    docker.tagImageCmd("backend:0.1", registry + "/class" + i + "/class", "1").exec();
                }
            }
            return load(server, dir, cookies, "classroom, shared daemon (200 learners)");
        }
    }

    /** 40 learners, each in a sandbox of their own, half of them having tagged in it. */
    private Map<String, Object> perLearner(Path dir, Path lessons) throws Exception {
        try (Server server = Server.startWarm(dir, lessons, List.of("--sandbox-pool", "4"))) {
            List<String> cookies = signUp(server, "room", SANDBOXED_LEARNERS);
            out.printf("classroom: starting %d sandboxes …%n", SANDBOXED_LEARNERS);
            long began = System.nanoTime();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < SANDBOXED_LEARNERS; i++) {
                var sandbox = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                        URI.create(server.base() + "/api/sandbox")).header("Cookie", cookies.get(i)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                if (i % 2 == 0) {
                    try (DockerClient docker = DockerClients.writable(sandbox.get("dockerHost").asText())) {
                        docker.tagImageCmd("backend:0.1", sandbox.get("registry").asText() + "/room" + i + "/class", "1")
                                .exec();
                    }
                }
            }
            out.printf("classroom: %d sandboxes ready in %.1f s%n", SANDBOXED_LEARNERS, (System.nanoTime() - began) / 1e9);
            return load(server, dir, cookies, "classroom, a sandbox each (40 learners)");
        }
    }

    private List<String> signUp(Server server, String prefix, int learners) throws Exception {
        out.printf("classroom: signing up %d learners …%n", learners);
        List<String> cookies = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> signUps = new ArrayList<>();
            for (int i = 0; i < learners; i++) {
                String name = prefix + i;
                signUps.add(pool.submit(() -> server.signUp(name, "classroom-password")));
            }
            for (Future<String> signUp : signUps) {
                cookies.add(signUp.get());
            }
        } finally {
            pool.shutdown();
        }
        return cookies;
    }

    /** wrk: one connection per learner, each request as the next learner in turn, for {@link #SECONDS}. */
    private Map<String, Object> load(Server server, Path dir, List<String> cookies, String what) throws Exception {
        Path cookieFile = dir.resolve("cookies.txt");
        Files.write(cookieFile, cookies);
        Path script = dir.resolve("classroom.lua");
        Files.writeString(script, LUA);
        Wrk.Load load;
        // A learner who clicks Check has the lesson page open, and the page follows its live events:
        // so does each learner here. (With no page open, dockstep follows no daemon's events.)
        try (PagesOpen pages = PagesOpen.of(server, cookies)) {
            out.printf("classroom: %d learners, each with the lesson page open, checking their own steps for %d s …%n",
                    cookies.size(), SECONDS);
            load = Wrk.run(server.base() + "/api/check/classroom/check/tag-it", cookies.size(), SECONDS, null,
                    script, cookieFile.toString());
        }
        long rss = server.residentBytes();
        out.printf("%n  %-34s %d errors, %.1f checks/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (n=%d)"
                + " (targets: 0 errors, p99 <= 250 ms)%n", what, load.errors(), load.requestsPerSecond(), load.p50Ms(),
                load.p90Ms(), load.p99Ms(), load.requests());
        out.printf("  %-34s %.0f MB (target <= 300 MB)%n%n", "resident memory after the load", rss / 1048576.0);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("learners", cookies.size());
        results.put("errors", load.errors());
        results.put("checksPerSecond", load.requestsPerSecond());
        results.put("latency", Map.of("p50Ms", load.p50Ms(), "p90Ms", load.p90Ms(), "p99Ms", load.p99Ms(),
                "n", load.requests()));
        results.put("residentMb", Math.round(rss / 1048576.0));
        return results;
    }

    /** Each learner's lesson page, as far as the server can tell: its live-event stream, held open. */
    private static final class PagesOpen implements AutoCloseable {
        private final List<java.io.InputStream> streams = new ArrayList<>();

        static PagesOpen of(Server server, List<String> cookies) throws Exception {
            PagesOpen pages = new PagesOpen();
            HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build();
            try {
                for (String cookie : cookies) {
                    HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(server.base()
                            + "/events?course=classroom&lesson=check")).header("Cookie", cookie)
                            .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
                    pages.streams.add(response.body());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("a learner's event stream answered " + response.statusCode());
                    }
                    awaitConnected(response.body());
                }
                return pages;
            } catch (Exception e) {
                pages.close();
                throw e;
            }
        }

        /** Reads until the server says it has registered the stream. */
        private static void awaitConnected(java.io.InputStream stream) throws java.io.IOException {
            StringBuilder seen = new StringBuilder();
            int b;
            while ((b = stream.read()) >= 0) {
                seen.append((char) b);
                if (seen.indexOf("event: connected") >= 0) {
                    return;
                }
            }
            throw new IllegalStateException("a learner's event stream ended before it was registered: " + seen);
        }

        @Override
        public void close() {
            for (java.io.InputStream stream : streams) {
                try {
                    stream.close();
                } catch (java.io.IOException e) {
                    // the server closes it too, at its next heartbeat
                }
            }
        }
    }

    private static String registryOf(Server server) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base() + "/api/sandbox"))
                .header("Cookie", server.signUp("classadmin", "classroom-password")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("registry").asText();
    }
}

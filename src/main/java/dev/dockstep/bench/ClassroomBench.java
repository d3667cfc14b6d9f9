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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench classroom} and {@code bench startup}: 200 learners check their own steps at once
 * for 30 s, each on references of their own, against dockstep in a process of its own; then its
 * resident memory. Start-up is that same process's time from launch to the first 200 on /healthz.
 */
final class ClassroomBench {
    static final int LEARNERS = 200;
    static final int SECONDS = 30;

    private final PrintStream out;

    ClassroomBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path dir, boolean classroom) throws Exception {
        Path lessons = Files.createDirectories(dir.resolve("lessons/classroom"));
        Files.writeString(lessons.resolve("index.md"), "---\ntitle: Classroom\n---\n");
        Files.writeString(lessons.resolve("01-check.md"), "---\ntitle: Check\nsetup:\n  images: [backend:0.1]\n---\n"
                + "## Tag it\n```check\nimage {{repo}}/class:1\nsame-image backend:0.1 {{repo}}/class:1\n```\n");
        out.println("startup: launching dockstep and waiting for /healthz …");
        Map<String, Object> results = new LinkedHashMap<>();
        try (Server server = Server.startWarm(dir, dir.resolve("lessons"))) {
            double startup = (server.healthyNanos - server.startedNanos) / 1e6;
            out.printf("%n  %-34s %.0f ms (target <= 2000 ms)%n%n", "start-up to the first 200 on /healthz", startup);
            results.put("startupMs", Math.round(startup));
            if (!classroom) {
                return results;
            }
            out.printf("classroom: signing up %d learners …%n", LEARNERS);
            List<String> cookies = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String>> signUps = new ArrayList<>();
            for (int i = 0; i < LEARNERS; i++) {
                String name = "class" + i;
                signUps.add(pool.submit(() -> server.signUp(name, "classroom-password")));
            }
            for (Future<String> signUp : signUps) {
                cookies.add(signUp.get());
            }
            pool.shutdown();
            // Half the learners have done the work, half not: both verdicts are exercised.
            try (DockerClient docker = DockerClients.writable(server.dockerEnv(dir).get("DOCKER_HOST"))) {
                String registry = registryOf(server);
                for (int i = 0; i < LEARNERS; i += 2) {
                    docker.tagImageCmd("backend:0.1", registry + "/class" + i + "/class", "1").exec();
                }
            }
            out.printf("classroom: %d learners checking their own steps for %d s …%n", LEARNERS, SECONDS);
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicLong errors = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            ExecutorService learners = Executors.newFixedThreadPool(LEARNERS);
            for (String cookie : cookies) {
                learners.execute(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(server.base() + "/api/check/classroom/check/tag-it"))
                            .header("Content-Type", "application/json").header("Cookie", cookie)
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        latencies.add(System.nanoTime() - start);
                    }
                });
            }
            learners.shutdown();
            learners.awaitTermination(SECONDS + 60, TimeUnit.SECONDS);
            Stats stats = Stats.of(latencies);
            double throughput = Math.round(latencies.size() / (double) SECONDS * 10) / 10.0;
            long rss = server.residentBytes();
            out.printf("%n  %-34s %d errors, %.1f checks/s, %s (targets: 0 errors, p99 <= 250 ms)%n", "classroom (200 learners)",
                    errors.get(), throughput, stats);
            out.printf("  %-34s %.0f MB (target <= 300 MB)%n%n", "resident memory after the load", rss / 1048576.0);
            results.put("errors", errors.get());
            results.put("checksPerSecond", throughput);
            results.put("latency", stats);
            results.put("residentMb", Math.round(rss / 1048576.0));
            return results;
        }
    }

    private static String registryOf(Server server) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base() + "/api/sandbox"))
                .header("Cookie", server.signUp("classadmin", "classroom-password")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("registry").asText();
    }
}

package dev.dockstep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.WebClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Kills the server with SIGKILL in the middle of a burst of check submissions, restarts it, and
 * proves that every write it had acknowledged with a 200 is in the database.
 */
abstract class DurabilityContract {
    private static final int LEARNERS = 4;

    /** The JDBC URL, or null for the SQLite file in the data folder. */
    abstract String databaseUrl();

    @Test
    void every_write_acknowledged_with_200_survives_a_sigkill_during_a_burst() throws Exception {
        Path dir = dev.dockstep.harness.TestApp.dataFolder("ds-crash-");
        List<String> args = new ArrayList<>(List.of("serve", "--data", dir.resolve("data").toString(),
                "--lessons", "src/test/resources/fixtures/lessons", "--port", Integer.toString(Ports.free()),
                "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free())));
        if (databaseUrl() != null) {
            args.addAll(List.of("--db", databaseUrl()));
        }
        String base = "http://localhost:" + args.get(args.indexOf("--port") + 1);
        record Ack(String learner, int attempt) {
        }
        Queue<Ack> acknowledged = new ConcurrentLinkedQueue<>();
        List<ProcessHandle> orphans = new ArrayList<>();
        ExecutorService burst = Executors.newFixedThreadPool(LEARNERS);
        try {
            try (DockstepProcess first = DockstepProcess.start(Map.of(), args.toArray(String[]::new))) {
                first.awaitOutput("Stop with Ctrl-C.");
                AtomicBoolean running = new AtomicBoolean(true);
                for (int i = 0; i < LEARNERS; i++) {
                    String name = "crash" + i + (databaseUrl() == null ? "sq" : "pg");
                    WebClient web = new WebClient(base).signUp(name, "crash-password");
                    burst.execute(() -> {
                        while (running.get()) {
                            try {
                                HttpResponse<String> response = web.postJson("/api/check/hub/basics/read-this", "{}");
                                if (response.statusCode() == 200) {
                                    acknowledged.add(new Ack(name, WebClient.json(response).get("attempt").asInt()));
                                }
                            } catch (AssertionError connectionLost) {
                                return;
                            }
                        }
                    });
                }
                // Kill it mid-burst, once enough writes were acknowledged to prove something.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> acknowledged.size() > 50);
                orphans.addAll(first.handle().descendants().toList());
                first.handle().destroyForcibly();
                first.handle().onExit().get(30, TimeUnit.SECONDS);
                running.set(false);
            }
            burst.shutdown();
            assertTrue(burst.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue(acknowledged.size() > 20, "too few writes to prove anything: " + acknowledged.size());

            // The restart must clear what the killed run left behind, and serve again.
            try (DockstepProcess second = DockstepProcess.start(Map.of(), args.toArray(String[]::new))) {
                second.awaitOutput("Stop with Ctrl-C.");
                String url = databaseUrl() != null ? databaseUrl() : "jdbc:sqlite:" + dir.resolve("data/progress.db");
                List<Ack> lost = new ArrayList<>();
                try (ProgressStore store = ProgressStore.open(url)) {
                    for (Ack ack : acknowledged) {
                        if (!store.hasAttempt(ack.learner(), "hub", "basics", "read-this", ack.attempt())) {
                            lost.add(ack);
                        }
                    }
                }
                System.out.printf("%s: %d acknowledged writes, %d lost after SIGKILL%n",
                        databaseUrl() == null ? "SQLite" : "PostgreSQL", acknowledged.size(), lost.size());
                assertEquals(List.of(), lost, "acknowledged writes lost");
                assertEquals(200, new WebClient(base).get("/healthz").statusCode());
                second.terminate();
            }
        } finally {
            burst.shutdownNow();
            orphans.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            dev.dockstep.harness.TestApp.removeSandboxUsers(dir.resolve("data"));
            RealDocker.deleteTree(dir);
        }
    }
}

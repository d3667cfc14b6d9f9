package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.RealPostgres;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.registry.token.TokenService;
import dev.dockstep.sandbox.PracticeRegistry;
import dev.dockstep.sandbox.RegistryService;
import dev.dockstep.sandbox.SingleSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class HealthIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();
    @RegisterExtension
    static final RealPostgres postgres = new RealPostgres();

    @TempDir
    Path dir;

    @Test
    void each_part_goes_down_with_a_reason_and_comes_back_ok_when_it_returns() {
        int port = Ports.free();
        RegistryService registry = RegistryService.practice(dir.resolve("registry"), "docker-registry", port);
        try (SingleSandbox sandbox = SingleSandbox.host(Map.of("DOCKER_HOST", docker.dockerHost()), registry, List::of);
             ProgressStore store = ProgressStore.open("jdbc:sqlite:" + dir.resolve("p.db"))) {
            sandbox.start();
            Health health = new Health(sandbox::health, store);
            assertEquals(Map.of("status", "ok"), health.report().get("docker"));
            assertEquals(Map.of("status", "ok"), health.report().get("registry"));
            assertEquals(Map.of("status", "ok"), health.report().get("database"));

            docker.stopDaemon();
            registry.close();
            var down = health.report();
            assertEquals("down", down.get("docker").get("status"));
            assertEquals("Docker does not answer at " + docker.dockerHost(), down.get("docker").get("reason"));
            assertEquals("down", down.get("registry").get("status"));
            assertEquals("the practice registry is not running", down.get("registry").get("reason"));
            assertEquals(Map.of("status", "ok"), down.get("database"));

            docker.startDaemon();
            registry.start();
            assertTrue(Health.allOk(health.report()), health.report().toString());

            store.close();
            assertEquals("down", health.report().get("database").get("status"));
        }
    }

    @Test
    void a_registry_and_a_managed_daemon_that_die_are_started_again_and_health_says_so_meanwhile() throws Exception {
        int port = Ports.free();
        RegistryService registry = RegistryService.practice(dir.resolve("registry"), "docker-registry", port);
        try (SingleSandbox sandbox = SingleSandbox.shared(dir.resolve("data"), "dockerd", registry, List::of)) {
            sandbox.start();
            long registryPid = registry.process().orElseThrow().pid();
            ProcessHandle.of(registryPid).orElseThrow().destroyForcibly();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    registry.process().map(p -> p.pid() != registryPid && p.isAlive()).orElse(false));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    "ok".equals(sandbox.health().get("registry").get("status")));

            String socket = sandbox.info().dockerHost().substring("unix://".length());
            long daemonPid = Long.parseLong(java.nio.file.Files.readString(Path.of(socket).resolveSibling("docker.pid")).strip());
            ProcessHandle.of(daemonPid).orElseThrow().destroyForcibly();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    "down".equals(sandbox.health().get("docker").get("status")));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                    "ok".equals(sandbox.health().get("docker").get("status")));
        }
        assertTrue(java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .noneMatch(line -> line.contains(dir.toString())), "the killed daemon's mounts are gone");
    }

    @Test
    void a_stranger_answering_on_the_registrys_port_is_not_taken_for_it() {
        int port = Ports.free();
        RegistryService registry = RegistryService.practice(dir.resolve("registry"), "docker-registry", port);
        registry.start();
        try {
            assertEquals(Map.of("status", "ok"), registry.health());
            // Ours stops; another registry with the same scheme, trusting another token server, takes the port.
            registry.process().orElseThrow().close();
            try (TokenService theirs = new TokenService(dir.resolve("their-token"), new MemoryDirectory(),
                    java.time.Clock.systemUTC())) {
                theirs.start();
                try (PracticeRegistry stranger = PracticeRegistry.start(dir.resolve("stranger"), "docker-registry", port,
                        Duration.ofSeconds(30), new PracticeRegistry.TokenAuth(theirs.realm(), TokenService.SERVICE,
                                TokenService.ISSUER, theirs.rootCertBundle(), theirs.notifyUrl(), theirs.notifySecret()))) {
                    Map<String, String> part = registry.health();
                    assertEquals("down", part.get("status"));
                    assertTrue(part.get("reason").endsWith("something answers at http://127.0.0.1:" + port + "/v2/ but"
                            + " does not trust dockstep's tokens; another registry may have taken the port"),
                            part.get("reason"));
                }
            }
        } finally {
            registry.close();
        }
    }

    @Test
    void a_postgresql_database_that_answers_but_has_become_read_only_is_down() throws Exception {
        try (ProgressStore store = ProgressStore.open(postgres.jdbcUrl());
             Connection admin = DriverManager.getConnection(postgres.jdbcUrl())) {
            Health health = new Health(Map::of, store);
            assertEquals(Map.of("status", "ok"), health.report().get("database"));
            try {
                // As a failover to a read-only replica would: new sessions cannot write, old ones are gone.
                readOnly(admin, true);
                // Down at once (its connections were cut), and down still once it has new ones, which cannot write.
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> health.report().get("database")
                        .getOrDefault("reason", "").contains("read-only"));
                assertEquals("down", health.report().get("database").get("status"), health.report().toString());
            } finally {
                readOnly(admin, false);
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Health.allOk(health.report()));
        }
    }

    @Test
    void a_sqlite_database_whose_disk_is_full_is_down_until_there_is_room_again() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("small-disk"));
        mount("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString());
        try (ProgressStore store = ProgressStore.open("jdbc:sqlite:" + disk.resolve("progress.db"))) {
            Health health = new Health(Map::of, store);
            assertEquals(Map.of("status", "ok"), health.report().get("database"));
            Path filler = disk.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                }
                out.flush();
                throw new AssertionError("a 1 MB disk took 4 MB");
            } catch (java.io.IOException full) {
                // the disk is full now
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "down".equals(
                    health.report().get("database").get("status")));
            assertTrue(health.report().get("database").get("reason").contains("full"), health.report().toString());
            Files.delete(filler);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(
                    health.report().get("database").get("status")));
        } finally {
            mount("umount", disk.toString());
        }
    }

    @Test
    void a_heap_still_nearly_full_after_a_collection_is_down_and_garbage_alone_is_not() {
        try (ProgressStore store = ProgressStore.open("jdbc:sqlite:" + dir.resolve("heap.db"))) {
            // This JVM's heap is gigabytes: the limit is set just above what it holds now, and the
            // test holds 256 MB more, for real.
            Runtime runtime = Runtime.getRuntime();
            System.gc();
            long live = runtime.totalMemory() - runtime.freeMemory();
            double limit = (live + (64L << 20)) / (double) runtime.maxMemory();
            Health health = new Health(Map::of, store, limit);
            assertEquals(Map.of("status", "ok"), health.report().get("memory"));

            byte[][] garbage = new byte[256][];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = new byte[1 << 20];
            }
            System.gc();
            Map<String, String> full = health.report().get("memory");
            assertEquals("down", full.get("status"), full.toString());
            assertTrue(full.get("reason").matches("the heap is \\d+% full after a collection \\(\\d+ of \\d+ MB\\);"
                    + " the server is about to run out of memory"), full.get("reason"));
            assertEquals(1 << 20, garbage[garbage.length - 1].length);

            garbage = null;
            System.gc();
            assertEquals(Map.of("status", "ok"), health.report().get("memory"), "its garbage collected, the heap is fine");
        }
    }

    private static void readOnly(Connection admin, boolean on) throws Exception {
        try (var s = admin.createStatement()) {
            s.execute("ALTER DATABASE dockstep SET default_transaction_read_only = " + (on ? "on" : "off"));
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'dockstep'"
                    + " AND pid <> pg_backend_pid()");
        }
    }

    private static void mount(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + ": " + output);
        }
    }
}

package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.registry.token.TokenService;
import dev.dockstep.sandbox.PracticeRegistry;
import dev.dockstep.sandbox.RegistryService;
import dev.dockstep.sandbox.SingleSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class HealthIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();

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
}

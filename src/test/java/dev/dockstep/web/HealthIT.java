package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.check.DockerFacts;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.progress.ProgressStore;
import java.nio.file.Path;
import java.time.Duration;
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
        try (DockerFacts facts = new DockerFacts(docker.dockerHost(), Duration.ofSeconds(2));
             ProgressStore store = ProgressStore.open("jdbc:sqlite:" + dir.resolve("p.db"))) {
            Health health = new Health(facts, "http://127.0.0.1:" + docker.registryPort() + "/v2/", store);
            assertEquals(Map.of("status", "ok"), health.report().get("docker"));
            assertEquals(Map.of("status", "ok"), health.report().get("registry"));
            assertEquals(Map.of("status", "ok"), health.report().get("database"));

            docker.stopDaemon();
            docker.stopRegistry();
            var down = health.report();
            assertEquals("down", down.get("docker").get("status"));
            assertTrue(down.get("docker").get("reason").startsWith("Docker is not reachable at " + docker.dockerHost()),
                    down.get("docker").get("reason"));
            assertEquals("down", down.get("registry").get("status"));
            assertTrue(down.get("registry").get("reason").startsWith("the registry is not reachable at http://127.0.0.1:"
                    + docker.registryPort()), down.get("registry").get("reason"));
            assertEquals(Map.of("status", "ok"), down.get("database"));

            docker.startDaemon();
            docker.startRegistry();
            assertTrue(Health.allOk(health.report()), health.report().toString());

            store.close();
            assertEquals("down", health.report().get("database").get("status"));
        }
    }
}

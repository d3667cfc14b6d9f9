package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dockstep.harness.RealDocker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connection a check kept from before a daemon restart must not cost the first check after it. */
class DaemonRestartIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();

    @Test
    void the_first_request_after_a_daemon_restart_is_answered() throws Exception {
        try (DockerRequests requests = new DockerRequests(docker.dockerHost(), Duration.ofSeconds(5))) {
            String before = requests.ask(() -> requests.client().infoCmd().exec().getId());
            docker.stopDaemon();
            DockerUnavailable down = assertThrows(DockerUnavailable.class,
                    () -> requests.ask(() -> requests.client().infoCmd().exec().getId()));
            assertEquals(true, down.getMessage().contains(docker.dockerHost()), down.getMessage());
            docker.startDaemon();
            for (int round = 0; round < 5; round++) {
                // Each round: pooled connections from the round before, then a restart under them.
                assertEquals(before, requests.ask(() -> requests.client().infoCmd().exec().getId()), "round " + round);
                requests.ask(() -> requests.client().listImagesCmd().exec());
                docker.stopDaemon();
                docker.startDaemon();
            }
            assertEquals(before, requests.ask(() -> requests.client().infoCmd().exec().getId()));
        }
    }
}

package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.SseClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Steps pass with no click: the learner's docker command alone turns them green. */
class LiveIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static App app;
    private static String events;
    private static dev.dockstep.harness.WebClient web;

    @BeforeAll
    static void start() throws Exception {
        docker.image("backend:0.1");
        // Host mode on the harness's daemon, so that the test can stop and restart it.
        Config config = Config.defaults().withDirs(docker.folder("data"), ServerIT.LESSONS)
                .withPorts(0, Ports.free()).withSandbox(Config.SandboxMode.HOST);
        app = App.create(config, Map.of("DOCKER_HOST", docker.dockerHost(),
                "DOCKER_CONFIG", docker.dockerConfig().toString()), new PrintStream(OutputStream.nullOutputStream()));
        app.start();
        events = "http://localhost:" + app.port() + "/events?course=hub&lesson=tag";
        web = new dev.dockstep.harness.WebClient("http://localhost:" + app.port()).signUp("learner", "live-password");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void docker_tag_alone_sends_step_passed_to_the_learners_pages_and_survives_a_daemon_restart() throws Exception {
        String ref = app.sharedSandbox().orElseThrow().registry() + "/learner/backend:0.1";
        try (SseClient page = new SseClient(events, web.cookieHeader()).awaitConnected();
             SseClient otherLesson = new SseClient(events.replace("lesson=tag", "lesson=nope"), web.cookieHeader())
                     .awaitConnected();
             SseClient stranger = new SseClient(events).awaitConnected()) {
            docker.docker("tag", "backend:0.1", "unrelated:1").requireSuccess();
            assertNull(page.next(Duration.ofMillis(500)), "an event that does not pass the step sends nothing");

            docker.stopDaemon();
            docker.startDaemon();
            docker.docker("tag", "backend:0.1", ref).requireSuccess();
            long exited = System.nanoTime();

            SseClient.Event passed = page.next(Duration.ofSeconds(30));
            assertNotNull(passed, "no step-passed after docker tag");
            assertEquals("step-passed", passed.name());
            assertEquals(JSON.readTree("{\"course\":\"hub\",\"lesson\":\"tag\",\"step\":\"tag-the-image\"}"),
                    JSON.readTree(passed.data()));
            System.out.printf("step-passed arrived %d ms after docker tag exited (after a daemon restart)%n",
                    (passed.arrivedNanos() - exited) / 1_000_000);
            assertNotNull(otherLesson.next(Duration.ofSeconds(10)), "every page of the learner is told; each page filters");
            assertNull(stranger.next(Duration.ofMillis(200)), "a visitor who is not that learner is not told");

            // The next exercise is a login: the docker config folder, not the daemon, tells of it.
            var login = dev.dockstep.harness.Cli.run(java.util.List.of("docker", "login", app.sharedSandbox().orElseThrow().registry(),
                    "-u", "learner", "--password-stdin"), Map.of("DOCKER_HOST", docker.dockerHost(),
                    "DOCKER_CONFIG", docker.dockerConfig().toString()), "live-password");
            assertEquals(0, login.exitCode(), login.output());
            SseClient.Event loggedIn = page.next(Duration.ofSeconds(5));
            assertNotNull(loggedIn, "no step-passed after docker login");
            assertEquals("log-in", JSON.readTree(loggedIn.data()).get("step").asText());
        }
    }
}

package dev.dockstep.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.WebClient;
import dev.dockstep.harness.TestApp;
import dev.dockstep.sandbox.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code dockstep serve} with per-learner sandboxes, as a classroom runs it: the jar in a process of its own. */
class PerLearnerServeIT {
    private static final String LESSONS = "src/test/resources/fixtures/lessons";
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = TestApp.dataFolder("ds-pls-");
    }

    @AfterEach
    void clean() {
        TestApp.removeSandboxUsers(dir.resolve("data"));
        RealDocker.deleteTree(dir);
    }

    private DockstepProcess serve(int port) {
        return DockstepProcess.start(Map.of(), "serve", "--data", dir.resolve("data").toString(), "--lessons", LESSONS,
                "--port", Integer.toString(port), "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()),
                "--sandbox-pool", "1");
    }

    @Test
    void a_server_killed_outright_leaves_nothing_running_after_its_next_start() throws Exception {
        int port = Ports.free();
        List<ProcessHandle> left;
        try (DockstepProcess first = serve(port)) {
            first.awaitOutput("Stop with Ctrl-C.");
            assertTrue(first.output().contains("Each learner who signs up gets a Docker sandbox of their own."),
                    first.output());
            WebClient web = new WebClient("http://localhost:" + port).signUp("killedlearner", "killed-password");
            web.sandbox().docker("version").requireSuccess();
            List<ProcessHandle> children = first.handle().descendants().toList();
            assertTrue(children.stream().anyMatch(p -> p.info().command().orElse("").endsWith("rootlesskit")),
                    "rootless daemons run: " + children.stream().map(p -> p.info().command().orElse("?")).toList());
            first.handle().destroyForcibly();
            await().atMost(Duration.ofSeconds(30)).until(() -> !first.handle().isAlive());
            left = children.stream().filter(ProcessHandle::isAlive).toList();
            assertFalse(left.isEmpty(), "SIGKILL gives the server no chance to stop its children");
        }
        try (DockstepProcess second = serve(port)) {
            second.awaitOutput("Stop with Ctrl-C.");
            for (ProcessHandle old : left) {
                assertFalse(old.isAlive(), old.info().commandLine().orElse("?") + " (" + old.pid() + ") survived");
            }
            WebClient web = new WebClient("http://localhost:" + port);
            assertEquals(200, web.postJson("/api/login", Map.of("username", "killedlearner", "password",
                    "killed-password")).statusCode());
            web.sandbox().docker("image", "inspect", "backend:0.1").requireSuccess();
            List<ProcessHandle> children = second.handle().descendants().toList();
            second.terminate();
            for (ProcessHandle child : children) {
                assertFalse(child.isAlive(), child.info().command().orElse("?") + " (" + child.pid() + ") still runs");
            }
        }
    }
}

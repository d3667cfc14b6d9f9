package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.LearnerSandbox;
import dev.dockstep.harness.SseClient;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.TestImages;
import dev.dockstep.harness.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two learners on one classroom server never affect each other: each way one learner broke
 * another's work when they shared one Docker, tried again with a sandbox each.
 */
class IsolationIT {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestApp server;

    @BeforeAll
    static void start() {
        server = TestApp.start(ServerIT.LESSONS, config -> config);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A signed-up learner: their name, web client and sandbox. */
    private record Learner(String name, String password, WebClient web, LearnerSandbox sandbox) {
        static Learner signUp() {
            String name = "iso" + NAMES.incrementAndGet() + "learner";
            String password = "password-" + name;
            WebClient web = new WebClient(server.base()).signUp(name, password);
            return new Learner(name, password, web, web.sandbox());
        }

        String ref(String image) {
            return sandbox.registry() + "/" + name + "/" + image;
        }

        JsonNode check(String step) {
            return WebClient.json(web.postJson("/api/check/hub/tag/" + step, "{}"));
        }

        Cli.Result login(String user, String password) {
            return Cli.run(List.of("docker", "login", sandbox.registry(), "-u", user, "--password-stdin"),
                    sandbox.env(), password);
        }
    }

    @Test
    void another_learners_login_passes_none_of_my_steps_and_leaves_my_saved_login_alone() throws Exception {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        a.sandbox().docker("tag", "backend:0.1", a.ref("backend:0.1")).requireSuccess();
        assertTrue(a.check("tag-the-image").get("passed").asBoolean());

        b.login(b.name(), b.password()).requireSuccess();
        JsonNode mine = a.check("log-in");
        assertFalse(mine.get("passed").asBoolean(), "b's login passed a's step: " + mine);
        assertTrue(mine.at("/checks/0/reason").asText().startsWith("You are not logged in to " + a.sandbox().registry()),
                mine.toString());

        a.login(a.name(), a.password()).requireSuccess();
        b.sandbox().docker("logout", b.sandbox().registry()).requireSuccess();
        b.login(b.name(), b.password()).requireSuccess();
        String config = Files.readString(a.sandbox().dockerConfig().resolve("config.json"));
        assertTrue(config.contains(auth(a.name(), a.password())), "a's saved login is still a's: " + config);
        assertFalse(config.contains(b.name()) || config.contains(auth(b.name(), b.password())),
                "a's config shows nothing of b: " + config);
        assertTrue(a.check("log-in").get("passed").asBoolean());
    }

    @Test
    void a_login_as_someone_else_is_a_failure_that_says_so() {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        a.sandbox().docker("tag", "backend:0.1", a.ref("backend:0.1")).requireSuccess();
        a.check("tag-the-image");
        // a knows b's password and logs in as b: the registry accepts it, but it is not a's login.
        a.login(b.name(), b.password()).requireSuccess();
        JsonNode verdict = a.check("log-in");
        assertFalse(verdict.get("passed").asBoolean());
        assertEquals("You are logged in to " + a.sandbox().registry() + " as `" + b.name() + "`, not as `" + a.name() + "`.",
                verdict.at("/checks/0/reason").asText());
    }

    @Test
    void another_learners_images_and_mistakes_never_reach_me() {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        b.sandbox().docker("tag", "backend:0.1", b.ref("backend:0.1")).requireSuccess();
        b.sandbox().docker("tag", "backend:0.1", a.ref("backend:0.1")).requireSuccess();
        b.sandbox().docker("rmi", "backend:0.1").requireSuccess();

        JsonNode verdict = a.check("tag-the-image");
        assertFalse(verdict.get("passed").asBoolean(), "b's tag of a's name passed a's step");
        assertEquals("`" + a.ref("backend:0.1") + "` is not among your images; images named `backend`: `backend:0.1`.",
                verdict.at("/checks/0/reason").asText(), "only a's own images are named");
        assertEquals(0, a.sandbox().docker("image", "inspect", "backend:0.1").exitCode(), "b's rmi left a's image");
        assertTrue(a.sandbox().docker("images", "--format", "{{.Repository}}").output().lines()
                .noneMatch(repo -> repo.contains(b.name())), "a sees none of b's images");
    }

    @Test
    void a_learners_docker_command_turns_only_their_own_page_green() throws Exception {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        String events = server.base() + "/events?course=hub&lesson=tag";
        try (SseClient aPage = new SseClient(events, a.web().cookieHeader()).awaitConnected();
             SseClient bPage = new SseClient(events, b.web().cookieHeader()).awaitConnected()) {
            // b makes, in b's Docker, the very image a's step asks for.
            b.sandbox().docker("tag", "backend:0.1", a.ref("backend:0.1")).requireSuccess();
            assertNull(aPage.next(Duration.ofSeconds(1)), "b's command passed a's step");

            a.sandbox().docker("tag", "backend:0.1", a.ref("backend:0.1")).requireSuccess();
            SseClient.Event passed = aPage.next(Duration.ofSeconds(10));
            assertNotNull(passed, "a's own command passes a's step live");
            assertEquals("step-passed", passed.name());
            assertNull(bPage.next(Duration.ofMillis(500)), "b hears nothing of a's step");
        }
    }

    @Test
    void the_learners_docker_refuses_privileged_containers_and_host_paths_with_one_line() {
        Learner a = Learner.signUp();
        TestImages.busybox(a.sandbox().dockerHost(), "busybox:offline");
        Cli.Result ok = a.sandbox().docker("run", "--rm", "busybox:offline", "echo", "inside");
        assertEquals("inside", ok.output().strip(), "a plain container runs");

        Cli.Result privileged = a.sandbox().docker("run", "--rm", "--privileged", "busybox:offline", "true");
        assertEquals(125, privileged.exitCode());
        assertEquals("docker: Error response from daemon: dockstep: this sandbox does not allow --privileged",
                privileged.output().strip().lines().findFirst().orElse(""), privileged.output());
        Cli.Result mount = a.sandbox().docker("run", "--rm", "-v", "/:/host", "busybox:offline", "true");
        assertEquals(125, mount.exitCode());
        assertTrue(mount.output().contains("dockstep: this sandbox does not allow"), mount.output());
    }

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

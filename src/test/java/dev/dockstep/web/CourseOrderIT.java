package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockstep.harness.SseClient;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lessons open in course order: a later lesson's steps cannot pass, by click or live, before the
 * exercises of the lessons before it have; a course whose index says {@code order: free} opens
 * every lesson at once.
 */
class CourseOrderIT {
    private static TestApp ordered;
    private static TestApp free;

    @BeforeAll
    static void start() {
        ordered = TestApp.start(Path.of("lessons"), config -> config);
        free = TestApp.start(Path.of("src/test/resources/fixtures/free-order"), config -> config);
    }

    @AfterAll
    static void stop() {
        try {
            if (ordered != null) {
                ordered.close();
            }
        } finally {
            if (free != null) {
                free.close();
            }
        }
    }

    @Test
    void a_later_lessons_step_cannot_pass_by_a_click_before_the_earlier_exercises() {
        WebClient web = new WebClient(ordered.base()).signUp("jumper", "jumper-password");
        // Removing an image that was never there would pass at once: that is what the order prevents.
        HttpResponse<String> early = web.postJson("/api/check/docker-hub/pull/remove-the-local-name", "{}");
        assertEquals(409, early.statusCode(), early.body());
        assertEquals("This lesson opens once you have done the exercises of 'Sign in with docker login' (next there:"
                + " 'Log in to the practice registry').", WebClient.json(early).get("error").asText());
        JsonNode progress = WebClient.json(web.get("/api/progress"));
        assertEquals(0, progress.get("steps").size(), "nothing was recorded: " + progress);

        String page = web.get("/courses/docker-hub/pull").body();
        assertTrue(page.contains("href=\"/courses/docker-hub/login\">Go to Sign in with docker login</a>"), page);
        assertFalse(page.contains("class=\"step current"), "no step of the lesson is open");

        // The reading lessons before the first exercise do not hold anyone back.
        assertEquals(200, web.postJson("/api/check/docker-hub/registries/a-registry-stores-images", "{}").statusCode());
    }

    @Test
    void a_later_lessons_step_does_not_pass_live_either() throws Exception {
        WebClient web = new WebClient(ordered.base()).signUp("livejumper", "jumper-password");
        var sandbox = web.sandbox();
        try (SseClient page = new SseClient(ordered.base() + "/events?course=docker-hub&lesson=pull",
                web.cookieHeader()).awaitConnected()) {
            sandbox.docker("tag", "backend:0.1", "something:1").requireSuccess();
            assertNull(page.next(Duration.ofSeconds(2)), "a step of a locked lesson passed live");
        }
        assertEquals(0, WebClient.json(web.get("/api/progress")).get("steps").size());
    }

    @Test
    void a_course_in_free_order_opens_every_lesson_at_once() {
        WebClient web = new WebClient(free.base()).signUp("anyorder", "anyorder-password");
        var sandbox = web.sandbox();
        sandbox.docker("tag", "backend:0.1", sandbox.registry() + "/anyorder/second:1").requireSuccess();
        HttpResponse<String> second = web.postJson("/api/check/anyorder/second/tag-second", "{}");
        assertEquals(200, second.statusCode(), second.body());
        assertTrue(WebClient.json(second).get("passed").asBoolean(), second.body());
    }
}

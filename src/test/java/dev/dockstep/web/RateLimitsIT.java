package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sign-ups per address and checks per learner, with limits set low enough to reach in a test.
 * Every request here comes from one address, so the sign-ups are counted out: three, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitsIT {
    private static TestApp server;
    private static String base;

    @BeforeAll
    static void start() {
        server = TestApp.start(ServerIT.LESSONS, config -> config.withLimits(config.limits().withSignUpsPerHour(3)
                .withChecksPerSecond(2)));
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void an_address_may_make_its_hours_accounts_at_once_and_then_is_told_when_to_come_back() {
        new WebClient(base).signUp("firstone", "first-password");
        new WebClient(base).signUp("secondone", "second-password");
        new WebClient(base).signUp("thirdone", "third-password");
        HttpResponse<String> fourth = new WebClient(base).postJson("/api/signup", Map.of("username", "fourthone",
                "password", "fourth-password"));
        assertEquals(429, fourth.statusCode(), fourth.body());
        assertEquals("Too many accounts were made from your address; try again in 20 minutes.",
                WebClient.json(fourth).get("error").asText());
        long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 1150 && retryAfter <= 1201, "a third of an hour: " + retryAfter);
        HttpResponse<String> form = new WebClient(base).postForm("/signup", Map.of("username", "fifthone",
                "password", "fifth-password"), true);
        assertEquals(429, form.statusCode());
        assertTrue(form.body().contains("Too many accounts were made from your address"), form.body());
        assertEquals(401, new WebClient(base).postJson("/api/login", Map.of("username", "fourthone",
                "password", "fourth-password")).statusCode(), "no account was made");
    }

    @Test
    @Order(2)
    void a_learner_who_asks_for_checks_faster_than_a_person_can_is_slowed_and_nothing_extra_is_stored() {
        WebClient fast = new WebClient(base);
        WebClient calm = new WebClient(base);
        assertEquals(200, fast.postJson("/api/login", Map.of("username", "firstone", "password", "first-password"))
                .statusCode(), "signed up by the test before");
        calm.postJson("/api/login", Map.of("username", "secondone", "password", "second-password"));
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            answers.add(fast.postJson("/api/check/hub/basics/read-this", "{}"));
        }
        long passed = answers.stream().filter(a -> a.statusCode() == 200).count();
        List<HttpResponse<String>> refused = answers.stream().filter(a -> a.statusCode() == 429).toList();
        assertEquals(12, passed + refused.size(), "every answer is a verdict or a 429");
        assertTrue(passed >= 4 && refused.size() >= 6, passed + " passed, " + refused.size() + " refused");
        assertEquals("You are asking for checks faster than a person can; try again in 1 second.",
                WebClient.json(refused.get(0)).get("error").asText());
        assertEquals("1", refused.get(0).headers().firstValue("Retry-After").orElseThrow());
        assertEquals(passed, WebClient.json(fast.get("/api/progress")).at("/steps/0/attempts").asInt(),
                "a refused check is not an attempt");
        assertEquals(200, calm.postJson("/api/check/hub/basics/read-this", "{}").statusCode(), "others are not slowed");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> fast.postJson("/api/check/hub/basics/read-this", "{}").statusCode() == 200);
    }
}

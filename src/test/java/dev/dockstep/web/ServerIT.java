package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.App;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole app over HTTP, as {@code serve} runs it: per-learner sandboxes and the practice
 * registry. Each test is its own learner, acting through their own sandbox as /api/sandbox gives it.
 */
class ServerIT {
    static final Path LESSONS = Path.of("src/test/resources/fixtures/lessons");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger LEARNERS = new AtomicInteger();
    private static TestApp server;
    private static Path data;
    private static App app;
    private static String base;
    private static final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeAll
    static void start() {
        server = TestApp.start(LESSONS, config -> config, Map.of(), new PrintStream(output, true, StandardCharsets.UTF_8));
        data = server.data();
        app = server.app();
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A freshly signed-up learner; the name is also their registry user. */
    private static WebClient learner(String[] name) {
        name[0] = "learner" + LEARNERS.incrementAndGet();
        return new WebClient(base).signUp(name[0], "password-" + name[0]);
    }

    @Test
    void healthz_reports_every_part_ok() throws Exception {
        HttpResponse<String> response = new WebClient(base).get("/healthz");
        assertEquals(200, response.statusCode());
        JsonNode health = JSON.readTree(response.body());
        assertEquals("ok", health.at("/docker/status").asText(), response.body());
        assertEquals("per-learner", health.at("/docker/mode").asText());
        assertEquals(JSON.readTree("{\"status\":\"ok\"}"), health.get("registry"));
        assertEquals(JSON.readTree("{\"status\":\"ok\"}"), health.get("database"));
        assertEquals(JSON.readTree("{\"status\":\"ok\"}"), health.get("memory"));
    }

    @Test
    void the_check_fails_then_passes_after_docker_tag_and_every_attempt_is_in_the_sqlite_file() throws Exception {
        String[] name = new String[1];
        WebClient web = learner(name);
        String path = "/api/check/hub/tag/tag-the-image";
        var sandbox = web.sandbox();
        String ref = sandbox.registry() + "/" + name[0] + "/backend:0.1";
        JsonNode before = WebClient.json(web.postJson(path, "{}"));
        assertFalse(before.get("passed").asBoolean());
        assertEquals(1, before.get("attempt").asInt());
        assertEquals("failed", before.at("/checks/0/status").asText());
        assertEquals("`" + ref + "` is not among your images; images named `backend`: `backend:0.1`.",
                before.at("/checks/0/reason").asText());
        assertEquals("<code>" + ref + "</code> is not among your images; images named <code>backend</code>:"
                + " <code>backend:0.1</code>.", before.at("/checks/0/reasonHtml").asText(), "rendered for the page");

        sandbox.docker("tag", "backend:0.1", ref).requireSuccess();

        HttpResponse<String> after = web.postJson(path, "{}");
        assertEquals(200, after.statusCode());
        assertTrue(WebClient.json(after).get("passed").asBoolean(), after.body());

        try (var db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("progress.db"));
             ResultSet rs = db.createStatement().executeQuery("SELECT status, attempts FROM step_progress WHERE learner='"
                     + name[0] + "' AND step='tag-the-image'")) {
            assertTrue(rs.next());
            assertEquals("PASSED", rs.getString(1));
            assertEquals(2, rs.getInt(2));
        }
        JsonNode progress = WebClient.json(web.get("/api/progress"));
        assertEquals(name[0], progress.get("user").asText());
        assertEquals("passed", progress.at("/steps/0/status").asText());
        assertEquals(2, progress.at("/steps/0/attempts").asInt());
    }

    @Test
    void a_later_step_opens_only_once_the_one_before_has_passed() {
        WebClient web = learner(new String[1]);
        HttpResponse<String> locked = web.postJson("/api/check/hub/tag/log-in", "{}");
        assertEquals(409, locked.statusCode());
        assertEquals("This step opens once 'Tag the image' has passed.", WebClient.json(locked).get("error").asText());
    }

    @Test
    void the_catalog_links_each_lesson_and_shows_the_learners_progress() {
        WebClient web = learner(new String[1]);
        web.postJson("/api/check/hub/basics/read-this", "{}");
        String html = web.get("/").body();
        assertTrue(html.contains("<a href=\"/courses/hub/tag\">Tag it</a>"), html);
        assertTrue(html.contains("1 of 4 steps done"), html);
    }

    @Test
    void the_lesson_page_renders_steps_with_variables_and_escapes_raw_html() {
        String[] name = new String[1];
        WebClient web = learner(name);
        HttpResponse<String> page = web.get("/courses/hub/tag");
        assertEquals(200, page.statusCode());
        String html = page.body();
        assertTrue(html.contains("Tag the image"), html);
        assertTrue(html.contains(app.sandboxes().registry().address() + "/" + name[0] + "/backend:0.1"),
                "{{repo}} replaced");
        assertTrue(html.contains("&lt;b&gt;raw html&lt;/b&gt;"), "raw HTML is shown, not run");
        assertFalse(html.contains("<b>raw html</b>"));
        assertTrue(html.contains("Reset my sandbox"), "per-learner sandboxes can be reset");
        assertTrue(html.contains("data-current=\"tag-the-image\""), "the page opens at the current step");
    }

    @Test
    void a_lesson_page_sends_a_visitor_who_is_not_signed_in_to_sign_in() {
        HttpResponse<String> page = new WebClient(base).get("/courses/hub/tag");
        assertEquals(302, page.statusCode());
        assertEquals("/login?next=%2Fcourses%2Fhub%2Ftag", page.headers().firstValue("Location").orElse(""));
        assertEquals(401, new WebClient(base).postJson("/api/check/hub/tag/tag-the-image", "{}").statusCode());
    }

    @Test
    void a_broken_lesson_is_left_out_with_a_warning_and_the_rest_are_served() {
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("02-broken.md:7: unknown check kind 'imagee'"),
                output.toString(StandardCharsets.UTF_8));
        JsonNode courses = WebClient.json(new WebClient(base).get("/api/courses"));
        assertEquals(2, courses.at("/courses/0/lessons").size());
        assertEquals("tag", courses.at("/courses/0/lessons/1/id").asText());
        assertEquals(1, courses.at("/courses/0/lessons/1/steps/0/checks").asInt());
        assertEquals("tag-the-image", courses.at("/courses/0/lessons/1/steps/0/id").asText());
    }

    @Test
    void unknown_courses_lessons_and_steps_are_404_with_a_message() {
        WebClient web = learner(new String[1]);
        HttpResponse<String> course = web.postJson("/api/check/nope/tag/tag-the-image", "{}");
        assertEquals(404, course.statusCode());
        assertEquals("There is no course 'nope'.", WebClient.json(course).get("error").asText());
        HttpResponse<String> step = web.postJson("/api/check/hub/tag/nope", "{}");
        assertEquals(404, step.statusCode());
        assertEquals("The lesson 'tag' has no step 'nope'.", WebClient.json(step).get("error").asText());
        HttpResponse<String> page = web.get("/courses/hub/nope");
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("The course &#39;hub&#39; has no lesson &#39;nope&#39;."), page.body());
    }

    @Test
    void a_reading_step_passes_on_next_and_a_quiz_only_on_exactly_the_right_answers() {
        WebClient web = learner(new String[1]);
        assertTrue(WebClient.json(web.postJson("/api/check/hub/basics/read-this", "{}")).get("passed").asBoolean());
        String path = "/api/check/hub/basics/a-question";
        JsonNode wrong = WebClient.json(web.postJson(path, "{\"answers\":[0]}"));
        assertFalse(wrong.get("passed").asBoolean());
        assertEquals("That is not the right answer.", wrong.at("/checks/0/reason").asText());
        assertEquals("No answer was chosen.", WebClient.json(web.postJson(path, "{}")).at("/checks/0/reason").asText());
        HttpResponse<String> bad = web.postJson(path, "{\"answers\":[\"x\"]}");
        assertEquals(400, bad.statusCode());
        assertEquals("'answers' must be a list of option numbers, such as [0, 2]", WebClient.json(bad).get("error").asText());
        assertTrue(WebClient.json(web.postJson(path, "{\"answers\":[1]}")).get("passed").asBoolean());
    }

    @Test
    void a_post_that_is_not_json_is_refused_with_a_reason() {
        WebClient web = learner(new String[1]);
        HttpResponse<String> response = web.postForm("/api/check/hub/basics/read-this", Map.of("a", "b"), false);
        assertEquals(400, response.statusCode());
        assertEquals("Send the request as JSON, with Content-Type: application/json.",
                WebClient.json(response).get("error").asText());
    }

    @Test
    void the_sign_up_password_lets_the_real_docker_cli_log_in_and_no_registry_password_is_kept() throws Exception {
        String[] name = new String[1];
        WebClient web = learner(name);
        var sandbox = web.sandbox();
        var env = sandbox.env();
        List<String> login = List.of("docker", "login", sandbox.registry(), "-u", name[0], "--password-stdin");
        assertEquals(0, Cli.run(login, env, "password-" + name[0]).exitCode(), "the sign-up password works");
        Cli.Result wrong = Cli.run(login, env, "not-the-password");
        assertTrue(wrong.exitCode() != 0);
        assertTrue(wrong.output().strip().endsWith("unauthorized: incorrect username or password"), wrong.output());

        assertEquals(404, web.postJson("/api/sandbox/password", "{\"password\":\"correct-horse\"}").statusCode(),
                "there is no separate registry password any more");
        assertFalse(Files.exists(data.resolve("registry/htpasswd")));
        try (var files = Files.walk(data.resolve("registry"))) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/storage/")).toList()) {
                assertFalse(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains("password-" + name[0]), "a password in clear text in " + file);
            }
        }
    }

    @Test
    void the_catalog_shows_instructors_the_broken_lesson_with_its_error_and_learners_not() throws Exception {
        String[] name = new String[1];
        WebClient web = learner(name);
        assertFalse(web.get("/").body().contains("Unavailable lessons"));
        assertEquals(0, dev.dockstep.harness.DockstepProcess.run(Map.of(), "instructor", "add", name[0],
                "--data", data.toString()).exitCode());
        String html = web.get("/").body();
        assertTrue(html.contains("Unavailable lessons"), html);
        assertTrue(html.contains("line 7: unknown check kind &#39;imagee&#39;"), html);
    }

    @Test
    void a_cross_site_post_is_refused() {
        WebClient web = learner(new String[1]);
        HttpResponse<String> response = web.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "/api/check/hub/basics/read-this"))
                .header("Content-Type", "application/json").header("Origin", "https://evil.example")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, response.statusCode());
        assertEquals("Requests from other sites are refused.", WebClient.json(response).get("error").asText());
    }

    @Test
    void the_sandbox_endpoint_gives_each_learner_the_gate_of_their_own_docker() {
        String[] name = new String[1];
        JsonNode sandbox = WebClient.json(learner(name).get("/api/sandbox"));
        String[] other = new String[1];
        JsonNode others = WebClient.json(learner(other).get("/api/sandbox"));
        assertEquals("per-learner", sandbox.get("mode").asText());
        assertTrue(sandbox.get("dockerHost").asText().startsWith("unix://" + data.resolve("sandboxes")),
                sandbox.toString());
        assertTrue(sandbox.get("dockerHost").asText().endsWith("/gate.sock"), "the learner's CLI goes through the gate");
        assertTrue(sandbox.get("dockerConfig").asText().startsWith(data.resolve("sandboxes").toString()));
        assertFalse(sandbox.get("dockerHost").asText().equals(others.get("dockerHost").asText()));
        assertFalse(sandbox.get("dockerConfig").asText().equals(others.get("dockerConfig").asText()));
        assertEquals(app.sandboxes().registry().address(), sandbox.get("registry").asText());
        assertEquals(name[0], sandbox.get("user").asText());
        assertEquals(401, new WebClient(base).get("/api/sandbox").statusCode(), "a visitor has no sandbox");
    }
}

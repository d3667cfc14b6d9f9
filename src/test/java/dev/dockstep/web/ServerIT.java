package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.Ports;
import dev.dockstep.harness.RealDocker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole app over HTTP, with its own managed dockerd and registry. */
class ServerIT {
    static final Path LESSONS = Path.of("src/test/resources/fixtures/lessons");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static Path data;
    private static App app;
    private static String base;
    private static final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory(Path.of("/tmp"), "ds-srv-");
        Config config = Config.defaults().withDirs(data, LESSONS).withPorts(0, Ports.free());
        app = App.create(config, Map.of(), new PrintStream(output, true, StandardCharsets.UTF_8));
        app.start();
        base = "http://localhost:" + app.port();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        RealDocker.deleteTree(data);
    }

    @Test
    void healthz_reports_every_part_ok() throws Exception {
        HttpResponse<String> response = get("/healthz");
        assertEquals(200, response.statusCode());
        assertEquals(JSON.readTree("{\"docker\":{\"status\":\"ok\"},\"registry\":{\"status\":\"ok\"},"
                + "\"database\":{\"status\":\"ok\"}}"), JSON.readTree(response.body()));
    }

    @Test
    void the_check_fails_then_passes_after_docker_tag_and_every_attempt_is_in_the_sqlite_file() throws Exception {
        String path = "/api/check/hub/tag/tag-the-image";
        String ref = app.sandbox().registry() + "/learner/backend:0.1";
        JsonNode before = JSON.readTree(post(path, null).body());
        assertFalse(before.get("passed").asBoolean());
        assertEquals("failed", before.at("/checks/0/status").asText());
        assertEquals(ref + " is not among your images; images named backend: backend:0.1.",
                before.at("/checks/0/reason").asText());

        Cli.docker(app.sandbox().dockerHost(), app.sandbox().dockerConfig(), "tag", "backend:0.1", ref).requireSuccess();

        HttpResponse<String> after = post(path, null);
        assertEquals(200, after.statusCode());
        assertTrue(JSON.readTree(after.body()).get("passed").asBoolean(), after.body());

        try (var db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("progress.db"));
             ResultSet rs = db.createStatement().executeQuery(
                     "SELECT status, attempts FROM step_progress WHERE learner='learner' AND step='tag-the-image'")) {
            assertTrue(rs.next());
            assertEquals("PASSED", rs.getString(1));
            assertEquals(2, rs.getInt(2));
        }
    }

    @Test
    void the_catalog_links_each_lesson() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<a href=\"/courses/hub/tag\">Tag it</a>"), page.body());
    }

    @Test
    void the_lesson_page_renders_steps_with_variables_and_escapes_raw_html() throws Exception {
        HttpResponse<String> page = get("/courses/hub/tag");
        assertEquals(200, page.statusCode());
        String html = page.body();
        assertTrue(html.contains("Tag the image"), html);
        assertTrue(html.contains(app.sandbox().registry() + "/learner/backend:0.1"), "{{repo}} replaced");
        assertTrue(html.contains("&lt;b&gt;raw html&lt;/b&gt;"), "raw HTML is shown, not run");
        assertFalse(html.contains("<b>raw html</b>"));
        assertTrue(html.contains("export DOCKER_HOST=" + app.sandbox().dockerHost()));
    }

    @Test
    void a_broken_lesson_is_left_out_with_a_warning_and_the_rest_are_served() throws Exception {
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("02-broken.md:7: unknown check kind 'imagee'"),
                output.toString(StandardCharsets.UTF_8));
        JsonNode courses = JSON.readTree(get("/api/courses").body());
        assertEquals(1, courses.at("/courses/0/lessons").size());
        assertEquals("tag", courses.at("/courses/0/lessons/0/id").asText());
        assertEquals(1, courses.at("/courses/0/lessons/0/steps/0/checks").asInt());
        assertEquals("tag-the-image", courses.at("/courses/0/lessons/0/steps/0/id").asText());
    }

    @Test
    void unknown_courses_lessons_and_steps_are_404_with_a_message() throws Exception {
        HttpResponse<String> course = post("/api/check/nope/tag/tag-the-image", null);
        assertEquals(404, course.statusCode());
        assertEquals("There is no course 'nope'.", JSON.readTree(course.body()).get("error").asText());
        HttpResponse<String> step = post("/api/check/hub/tag/nope", null);
        assertEquals(404, step.statusCode());
        assertEquals("The lesson 'tag' has no step 'nope'.", JSON.readTree(step.body()).get("error").asText());
        HttpResponse<String> page = get("/courses/hub/nope");
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("The course &#39;hub&#39; has no lesson &#39;nope&#39;."), page.body());
    }

    @Test
    void a_quiz_passes_only_on_exactly_the_right_answers() throws Exception {
        String path = "/api/check/hub/tag/a-question";
        JsonNode wrong = JSON.readTree(post(path, null, "{\"answers\":[0]}").body());
        assertFalse(wrong.get("passed").asBoolean());
        assertEquals("That is not the right answer.", wrong.at("/checks/0/reason").asText());
        JsonNode none = JSON.readTree(post(path, null, "{}").body());
        assertEquals("No answer was chosen.", none.at("/checks/0/reason").asText());
        assertTrue(JSON.readTree(post(path, null, "{\"answers\":[1]}").body()).get("passed").asBoolean());
        HttpResponse<String> bad = post(path, null, "{\"answers\":[\"x\"]}");
        assertEquals(400, bad.statusCode());
        assertEquals("'answers' must be a list of option numbers, such as [0, 2]",
                JSON.readTree(bad.body()).get("error").asText());
    }

    @Test
    void a_reading_step_passes_when_the_learner_moves_on() throws Exception {
        assertTrue(JSON.readTree(post("/api/check/hub/tag/read-this", null, "{}").body()).get("passed").asBoolean());
    }

    @Test
    void a_post_that_is_not_json_is_refused_with_a_reason() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/check/hub/tag/read-this"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=b")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertEquals("Send the request as JSON, with Content-Type: application/json.",
                JSON.readTree(response.body()).get("error").asText());
    }

    @Test
    void the_password_a_learner_sets_lets_the_real_docker_cli_log_in_to_the_registry() throws Exception {
        HttpResponse<String> tooShort = post("/api/sandbox/password", null, "{\"password\":\"short\"}");
        assertEquals(400, tooShort.statusCode());
        assertEquals("The password must be 8 to 128 characters long.", JSON.readTree(tooShort.body()).get("error").asText());

        HttpResponse<String> set = post("/api/sandbox/password", null, "{\"password\":\"correct-horse\"}");
        assertEquals(200, set.statusCode());
        Cli.Result login = Cli.run(java.util.List.of("docker", "login", app.sandbox().registry(), "-u", "learner",
                        "--password-stdin"), Map.of("DOCKER_HOST", app.sandbox().dockerHost(),
                        "DOCKER_CONFIG", app.sandbox().dockerConfig().toString()), "correct-horse");
        assertEquals(0, login.exitCode(), login.output());
        String htpasswd = Files.readString(data.resolve("registry/htpasswd"));
        assertFalse(htpasswd.contains("correct-horse"), "no password in clear text");
        JsonNode verdict = JSON.readTree(post("/api/check/hub/tag/log-in", null, "{}").body());
        assertTrue(verdict.get("passed").asBoolean(), verdict.toString());
    }

    @Test
    void the_catalog_shows_the_broken_lesson_as_unavailable_with_its_error() throws Exception {
        String html = get("/").body();
        assertTrue(html.contains("Unavailable lessons"), html);
        assertTrue(html.contains("line 7: unknown check kind &#39;imagee&#39;"), html);
    }

    @Test
    void a_cross_site_post_is_refused() throws Exception {
        HttpResponse<String> response = post("/api/check/hub/tag/tag-the-image", "https://evil.example");
        assertEquals(403, response.statusCode());
    }

    @Test
    void the_sandbox_endpoint_says_where_the_learners_docker_is() throws Exception {
        JsonNode sandbox = JSON.readTree(get("/api/sandbox").body());
        assertEquals(app.sandbox().dockerHost(), sandbox.get("dockerHost").asText());
        assertEquals(app.sandbox().dockerConfig().toString(), sandbox.get("dockerConfig").asText());
        assertEquals(app.sandbox().registry(), sandbox.get("registry").asText());
        assertEquals("learner", sandbox.get("user").asText());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String origin) throws Exception {
        return post(path, origin, "{}");
    }

    private static HttpResponse<String> post(String path, String origin, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

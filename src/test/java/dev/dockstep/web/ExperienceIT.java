package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.harness.LearnerSandbox;
import dev.dockstep.harness.SseClient;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rough edges a first class met, each tried again over HTTP on the real course, with real
 * per-learner sandboxes and the real docker CLI: the words Docker prints, verdicts as sentences,
 * attempts that count clicks, and the pages that lead a learner on.
 */
class ExperienceIT {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Path LESSONS = Path.of("lessons/docker-hub");
    private static TestApp server;
    private static dev.dockstep.harness.AnyOrderLessons lessons;

    @BeforeAll
    static void start() throws java.io.IOException {
        // Each test starts at the lesson it is about; CourseOrderIT tests the order.
        lessons = dev.dockstep.harness.AnyOrderLessons.of(Path.of("lessons"));
        server = TestApp.start(lessons.path(), config -> config);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (lessons != null) {
            lessons.close();
        }
    }

    /** A signed-up learner with their sandbox. */
    private record Learner(String name, String password, WebClient web, LearnerSandbox sandbox) {
        static Learner signUp() {
            String name = "exp" + NAMES.incrementAndGet() + "learner";
            String password = "password-" + name;
            WebClient web = new WebClient(server.base()).signUp(name, password);
            return new Learner(name, password, web, web.sandbox());
        }

        String ref(String image) {
            return sandbox.registry() + "/" + name + "/" + image;
        }

        JsonNode check(String lesson, String step, String body) {
            HttpResponse<String> response = web.postJson("/api/check/docker-hub/" + lesson + "/" + step, body);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode verdict = WebClient.json(response);
            verdict.path("checks").forEach(check -> {
                assertSentence(check.path("reason").asText());
                if (check.hasNonNull("hint")) {
                    assertSentence(check.path("hint").asText());
                }
            });
            return verdict;
        }

        JsonNode check(String lesson, String step) {
            return check(lesson, step, "{}");
        }
    }

    /** What a learner may read: one sentence, with nothing of a daemon's raw answer or the server's insides in it. */
    static void assertSentence(String text) {
        assertTrue(text.matches("(?s)^[A-Z`].*[.?!]$"), "not a sentence: " + text);
        for (String raw : List.of("Status 5", "Status 4", "{", "}", "\n", "Exception", "/tmp/", "null")) {
            assertFalse(text.contains(raw), "'" + raw + "' reached a learner: " + text);
        }
    }

    /** The text of a lesson file's hint blocks. */
    private static String hints(String file) throws Exception {
        StringBuilder hints = new StringBuilder();
        var m = Pattern.compile("(?s)```hint\\n(.*?)\\n```").matcher(Files.readString(LESSONS.resolve(file)));
        while (m.find()) {
            hints.append(m.group(1)).append('\n');
        }
        return hints.toString();
    }

    @Test
    void the_messages_the_lessons_quote_are_what_this_registry_and_cli_really_print() throws Exception {
        Learner l = Learner.signUp();
        // Lesson 5's hint: a push of a name that was never made.
        assertTrue(hints("05-push.md").contains("`An image does not exist locally with the tag`"));
        Cli.Result untagged = l.sandbox().docker("push", l.ref("backend:0.1"));
        assertTrue(untagged.exitCode() != 0 && untagged.output().contains("An image does not exist locally with the tag"),
                untagged.output());
        // Lesson 6's hint: removing a name with a typo in it.
        assertTrue(hints("06-pull.md").contains("`No such image`"));
        Cli.Result typo = l.sandbox().docker("rmi", l.ref("backnd:0.1"));
        assertTrue(typo.exitCode() != 0 && typo.output().contains("No such image"), typo.output());

        // The words the lessons' text promises, command by command.
        l.sandbox().docker("tag", "backend:0.1", l.ref("backend:0.1")).requireSuccess();
        Cli.Result noLogin = l.sandbox().docker("push", l.ref("backend:0.1"));
        assertTrue(noLogin.output().contains("denied: requested access to the resource is denied"), noLogin.output());
        assertTrue(Files.readString(LESSONS.resolve("03-login.md")).contains("`Login Succeeded`"));
        assertTrue(l.sandbox().login(l.password()).requireSuccess().output().contains("Login Succeeded"));
        String lesson5 = Files.readString(LESSONS.resolve("05-push.md"));
        assertTrue(lesson5.contains("`Pushed`") && lesson5.contains("`Layer already\nexists`"));
        assertTrue(l.sandbox().docker("push", l.ref("backend:0.1")).requireSuccess().output().contains(": Pushed"));
        assertTrue(l.sandbox().docker("push", l.ref("backend:0.1")).requireSuccess().output()
                .contains(": Layer already exists"));
        String lesson6 = Files.readString(LESSONS.resolve("06-pull.md"));
        assertTrue(lesson6.contains("`Untagged: ...`") && lesson6.contains("`Image is up to date`"));
        assertTrue(l.sandbox().docker("rmi", l.ref("backend:0.1")).requireSuccess().output().startsWith("Untagged: "));
        l.sandbox().docker("pull", l.ref("backend:0.1")).requireSuccess();
        assertTrue(l.sandbox().docker("pull", l.ref("backend:0.1")).requireSuccess().output()
                .contains("Image is up to date"));
        assertTrue(Files.readString(LESSONS.resolve("07-latest.md")).contains("`Using default tag: latest`"));
        l.sandbox().docker("tag", "backend:0.1", l.ref("backend")).requireSuccess();
        assertTrue(l.sandbox().docker("push", l.ref("backend")).requireSuccess().output()
                .startsWith("Using default tag: latest"));
    }

    @Test
    void a_push_step_failed_for_lack_of_a_login_says_so_and_a_pull_step_never_advises_docker_tag() {
        Learner l = Learner.signUp();
        l.sandbox().docker("tag", "backend:0.1", l.ref("backend:0.1")).requireSuccess();
        assertFalse(l.sandbox().docker("push", l.ref("backend:0.1")).exitCode() == 0);
        JsonNode push = l.check("push", "push-backend-0-1");
        assertTrue(push.at("/checks/0/reason").asText().contains("and you are not logged in to it"), push.toString());
        assertTrue(push.at("/checks/0/reason").asText().contains("`denied: requested access to the resource is denied`"), push.toString());
        assertTrue(push.at("/checks/0/hint").asText().startsWith("Log in with `docker login " + l.sandbox().registry()),
                push.toString());

        // Lesson 6's pull step, reached by removing the name: nothing there may say docker tag.
        l.sandbox().docker("rmi", l.ref("backend:0.1")).requireSuccess();
        assertTrue(l.check("pull", "remove-the-local-name").get("passed").asBoolean());
        JsonNode pull = l.check("pull", "pull-it-from-the-registry");
        assertFalse(pull.get("passed").asBoolean());
        pull.path("checks").forEach(check -> assertFalse(check.path("hint").asText().contains("docker tag"),
                "a pull step advised docker tag: " + pull));
        assertTrue(pull.at("/checks/1/hint").asText().startsWith("Pull it from the registry with `docker pull "
                + l.ref("backend:0.1") + "`."), pull.toString());
    }

    @Test
    void a_saved_login_the_registry_no_longer_takes_is_explained_in_a_sentence() throws Exception {
        Learner l = Learner.signUp();
        // What a password change leaves behind: config.json still holds the old password.
        Path config = l.sandbox().dockerConfig().resolve("config.json");
        String stale = Base64.getEncoder().encodeToString((l.name() + ":an-old-password")
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(config, "{\"auths\":{\"" + l.sandbox().registry() + "\":{\"auth\":\"" + stale + "\"}}}");
        JsonNode verdict = l.check("login", "log-in-to-the-practice-registry");
        assertFalse(verdict.get("passed").asBoolean());
        assertEquals("The registry " + l.sandbox().registry() + " does not accept the login saved for `" + l.name()
                + "`: the user name or password saved there is not (or no longer) right.",
                verdict.at("/checks/0/reason").asText());
        assertEquals("<code>" + l.name() + "</code>", Pattern.compile("<code>[^<]+</code>")
                .matcher(verdict.at("/checks/0/reasonHtml").asText()).results().findFirst().orElseThrow().group());
    }

    @Test
    void a_step_passed_live_counts_no_attempt_and_a_learner_who_moved_on_is_not_stuck() throws Exception {
        Learner l = Learner.signUp();
        assertTrue(l.check("tag", "the-parts-of-an-image-name").get("passed").asBoolean());
        try (SseClient page = new SseClient(server.base() + "/events?course=docker-hub&lesson=tag",
                l.web().cookieHeader()).awaitConnected()) {
            l.sandbox().docker("tag", "backend:0.1", l.ref("backend:0.1")).requireSuccess();
            SseClient.Event passed = page.next(Duration.ofSeconds(15));
            assertNotNull(passed, "no step-passed after docker tag");
            assertEquals("step-passed", passed.name());
        }
        JsonNode tagged = step(l, "tag", "tag-the-backend-image");
        assertEquals("passed", tagged.get("status").asText());
        assertEquals(0, tagged.get("attempts").asInt(), "the learner clicked nothing: " + tagged);
        assertTrue(tagged.at("/lastVerdict/live").asBoolean());

        // Tried a step and then went to another lesson: not stuck there.
        Learner other = Learner.signUp();
        assertTrue(other.check("tag", "the-parts-of-an-image-name").get("passed").asBoolean());
        assertFalse(other.check("tag", "tag-the-backend-image").get("passed").asBoolean());
        WebClient teacher = instructor();
        assertTrue(other.check("registries", "a-registry-stores-images").get("passed").asBoolean());
        JsonNode report = WebClient.json(teacher.get("/instructor/report"));
        for (JsonNode funnel : report.path("funnel")) {
            assertEquals(0, funnel.path("stuck").asInt(), "nobody has tried anything for a while: " + funnel);
        }
        assertEquals("docker-hub/registries/a-registry-stores-images", report.at("/at/" + other.name()).asText());

        String csv = teacher.get("/instructor/progress.csv").body();
        assertTrue(csv.startsWith("learner,course,lesson,step,status,attempts,first_attempt_at,passed_at,last_failure\n"));
        assertTrue(csv.contains("\n" + l.name() + ",docker-hub,tag,tag-the-backend-image,passed,0,,"), csv);
        List<String> others = csv.lines().filter(line -> line.startsWith(other.name() + ",")).toList();
        assertEquals(List.of("registries", "tag"), others.stream().map(line -> line.split(",")[2]).distinct().toList(),
                "in course order, not in the order they were tried");
    }

    private static JsonNode step(Learner l, String lesson, String step) {
        for (JsonNode row : WebClient.json(l.web().get("/api/progress")).path("steps")) {
            if (row.path("lesson").asText().equals(lesson) && row.path("step").asText().equals(step)) {
                return row;
            }
        }
        throw new AssertionError("no progress on " + lesson + "/" + step);
    }

    private static WebClient teacher;

    private static synchronized WebClient instructor() {
        if (teacher == null) {
            teacher = new WebClient(server.base()).signUp("expteacher", "teacher-password");
            var granted = DockstepProcess.run(Map.of(), "instructor", "add", "expteacher", "--data", server.data().toString());
            assertEquals(0, granted.exitCode(), granted.output());
        }
        return teacher;
    }

    @Test
    void in_a_lesson_with_less_help_a_failure_gives_the_reason_not_the_command() {
        Learner l = Learner.signUp();
        JsonNode verdict = l.check("frontend", "tag-the-frontend-image");
        assertFalse(verdict.get("passed").asBoolean());
        verdict.path("checks").forEach(check -> {
            assertEquals("failed", check.path("status").asText());
            assertTrue(check.path("hint").isNull(), "less help, yet a command: " + check);
            assertFalse(check.path("reason").asText().contains("docker "), check.toString());
        });
        JsonNode full = l.check("tag", "the-parts-of-an-image-name");
        assertTrue(full.get("passed").asBoolean());
        assertTrue(l.check("tag", "tag-the-backend-image").at("/checks/0/hint").asText().contains("docker tag"),
                "other lessons keep their advice");
    }

    @Test
    void a_finished_lesson_says_so_links_the_next_one_and_shows_its_quiz_answers_after_a_reload() {
        Learner l = Learner.signUp();
        String before = l.web().get("/courses/docker-hub/registries").body();
        String box = before.substring(before.indexOf("<section class=\"lesson-complete\""));
        assertTrue(box.substring(0, box.indexOf('>')).contains("hidden"), "there, hidden: " + box);
        for (String step : List.of("a-registry-stores-images", "docker-hub", "other-kinds-of-registry",
                "think-before-you-publish", "your-practice-registry")) {
            assertTrue(l.check("registries", step).get("passed").asBoolean());
        }
        assertTrue(l.check("registries", "which-registry-fits", "{\"answers\":[0,1]}").get("passed").asBoolean());
        assertTrue(l.check("registries", "what-goes-public", "{\"answers\":[2]}").get("passed").asBoolean());

        String page = l.web().get("/courses/docker-hub/registries").body();
        String complete = page.substring(page.indexOf("<section class=\"lesson-complete\""));
        complete = complete.substring(0, complete.indexOf("</section>"));
        assertFalse(complete.contains("hidden"), complete);
        assertTrue(complete.contains("Lesson complete") && complete.contains("href=\"/courses/docker-hub/account\"")
                && complete.contains("Next lesson: Your registry account"), complete);
        String quiz = page.substring(page.indexOf("id=\"step-which-registry-fits\""), page.indexOf("id=\"step-what-goes-public\""));
        assertEquals(2, count(quiz, "checked=\"checked\""), "the learner's answers, after a reload");
        assertEquals(4, count(quiz, "disabled=\"disabled\""));
        assertFalse(quiz.contains(">Answer</button>"), "an answered quiz is not offered again");
        assertTrue(quiz.contains("Your answer was right."));
        String reading = page.substring(page.indexOf("id=\"step-docker-hub\""), page.indexOf("id=\"step-other-kinds-of-registry\""));
        assertFalse(reading.contains(">Next</button>"), "a passed reading step has nothing left to click");
        assertTrue(page.contains("<a href=\"/courses/docker-hub\">Docker Hub</a>"), "the breadcrumb links the course");

        String last = l.web().get("/courses/docker-hub/summary").body();
        assertTrue(last.contains("href=\"/courses/docker-hub\"") && last.contains("Course complete: what you learned"),
                "the last lesson leads to the course's end");
    }

    @Test
    void the_course_page_and_the_catalog_lead_on_with_start_and_continue() {
        WebClient visitor = new WebClient(server.base());
        String open = visitor.get("/courses/docker-hub").body();
        assertTrue(open.contains(">Start</a>") && open.contains("href=\"/courses/docker-hub/registries\""), open);
        assertTrue(open.contains("Sign in with docker login"), "every lesson is listed");
        assertEquals(404, visitor.get("/courses/nope").statusCode());

        Learner l = Learner.signUp();
        assertTrue(l.web().get("/").body().contains(">Start</a>"));
        assertTrue(l.check("registries", "a-registry-stores-images").get("passed").asBoolean());
        String catalog = l.web().get("/").body();
        assertTrue(catalog.contains("href=\"/courses/docker-hub/registries\" aria-label=\"Continue Docker Hub\">Continue</a>"),
                catalog);
        String course = l.web().get("/courses/docker-hub").body();
        assertTrue(course.contains("1 of 31 steps done") && course.contains(">Continue</a>"), course);
        assertTrue(course.contains("1 of 7 steps done"), "the lesson's own progress");
        assertTrue(catalog.contains("learn what the <code>latest</code> tag really means"),
                "the course summary's markdown is rendered: " + catalog);
    }

    @Test
    void signing_up_from_the_sign_in_page_keeps_where_the_learner_was_going() {
        WebClient visitor = new WebClient(server.base());
        HttpResponse<String> lesson = visitor.get("/courses/docker-hub/push");
        assertEquals(302, lesson.statusCode());
        String signIn = visitor.get(lesson.headers().firstValue("Location").orElseThrow()).body();
        assertTrue(signIn.contains("href=\"/signup?next=%2Fcourses%2Fdocker-hub%2Fpush\""), signIn);
        String signUp = visitor.get("/signup?next=%2Fcourses%2Fdocker-hub%2Fpush").body();
        assertTrue(signUp.contains("action=\"/signup?next=%2Fcourses%2Fdocker-hub%2Fpush\""), signUp);
        HttpResponse<String> done = visitor.postForm("/signup?next=%2Fcourses%2Fdocker-hub%2Fpush",
                Map.of("username", "expnext" + NAMES.incrementAndGet(), "password", "next-password"), true);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/courses/docker-hub/push", done.headers().firstValue("Location").orElseThrow());

        // LocalPath still guards it: another site is never where a sign-up ends.
        WebClient other = new WebClient(server.base());
        assertFalse(other.get("/signup?next=//evil.example/x").body().contains("evil"));
        HttpResponse<String> elsewhere = other.postForm("/signup?next=//evil.example/x",
                Map.of("username", "expnext" + NAMES.incrementAndGet(), "password", "next-password"), true);
        assertEquals("/", elsewhere.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void an_instructor_sees_one_learner_in_detail_and_a_learner_may_not() {
        Learner l = Learner.signUp();
        l.check("tag", "the-parts-of-an-image-name");
        JsonNode failed = l.check("tag", "tag-the-backend-image");
        assertFalse(failed.get("passed").asBoolean());
        HttpResponse<String> denied = l.web().get("/instructor/learners/" + l.name());
        assertEquals(403, denied.statusCode());
        assertEquals(401, new WebClient(server.base()).get("/instructor/report").statusCode());
        assertEquals(302, new WebClient(server.base()).get("/instructor/learners/" + l.name()).statusCode());

        WebClient teacher = instructor();
        assertEquals(404, teacher.get("/instructor/learners/nobodyatall").statusCode());
        String detail = teacher.get("/instructor/learners/" + l.name()).body();
        assertTrue(detail.contains("Now at <strong>4.2 Name an image for a registry · Tag the backend image</strong>"),
                detail);
        assertTrue(detail.contains("not passed yet") && detail.contains("<code>" + l.ref("backend:0.1") + "</code> is not"
                + " among your images"), "the latest verdict, rendered: " + detail);
        String dashboard = teacher.get("/instructor").body();
        assertTrue(dashboard.contains("href=\"/instructor/learners/" + l.name() + "\""), "the grid links each learner");
    }

    @Test
    void every_page_links_our_own_icon() {
        WebClient visitor = new WebClient(server.base());
        assertTrue(visitor.get("/").body().contains("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"));
        HttpResponse<String> icon = visitor.get("/static/favicon.svg");
        assertEquals(200, icon.statusCode());
        assertTrue(icon.headers().firstValue("Content-Type").orElse("").startsWith("image/svg+xml"));
        assertTrue(icon.body().startsWith("<svg"));
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}

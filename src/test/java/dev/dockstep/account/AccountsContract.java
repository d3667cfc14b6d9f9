package dev.dockstep.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.SseClient;
import dev.dockstep.harness.WebClient;
import dev.dockstep.db.Database;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Accounts, sessions, CSRF, roles and the instructor's view, against a real server and a real
 * database. Each subclass names the database: a SQLite file, or a PostgreSQL server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccountsContract {
    static final Path LESSONS = Path.of("src/test/resources/fixtures/lessons");
    private static final AtomicInteger NAMES = new AtomicInteger();
    Path data;
    App app;
    String base;

    /** The JDBC URL, or null for the SQLite file in the data folder. */
    abstract String databaseUrl();

    @BeforeAll
    void start() throws Exception {
        data = Files.createTempDirectory(Path.of("/tmp"), "ds-acct-");
        // Accounts need no Docker of their own per learner: one shared daemon keeps these tests about accounts.
        Config config = Config.defaults().withDirs(data, LESSONS).withPorts(0, Ports.free()).withDatabase(databaseUrl())
                .withSandbox(Config.SandboxMode.SHARED);
        app = App.create(config, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
        app.start();
        base = "http://localhost:" + app.port();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
        RealDocker.deleteTree(data);
    }

    String name() {
        return "user" + NAMES.incrementAndGet() + getClass().getSimpleName().toLowerCase().replaceAll("[^a-z]", "")
                .substring(0, 4);
    }

    Database db() {
        return Database.open(databaseUrl() != null ? databaseUrl() : "jdbc:sqlite:" + data.resolve("progress.db"));
    }

    @Test
    void sign_up_then_out_then_in_with_the_json_api() {
        String name = name();
        WebClient web = new WebClient(base).signUp(name, "first-password");
        assertEquals(Map.of("user", name, "role", "learner"), Map.of("user", WebClient.json(web.get("/api/me")).get("user")
                .asText(), "role", WebClient.json(web.get("/api/me")).get("role").asText()));
        assertEquals(200, web.postJson("/api/logout", "{}").statusCode());
        assertEquals(401, web.get("/api/me").statusCode());
        HttpResponse<String> wrong = web.postJson("/api/login", Map.of("username", name, "password", "not-it-at-all"));
        assertEquals(401, wrong.statusCode());
        assertEquals("That user name and password do not match an account.", WebClient.json(wrong).get("error").asText());
        assertEquals(200, web.postJson("/api/login", Map.of("username", name, "password", "first-password")).statusCode());
        assertEquals(name, WebClient.json(web.get("/api/me")).get("user").asText());
    }

    @Test
    void names_that_break_docker_hubs_rules_are_refused_with_the_reason() {
        Map<String, String> cases = Map.of(
                "abc", "A user name has 4 to 30 characters; this one has 3.",
                "a".repeat(31), "A user name has 4 to 30 characters; this one has 31.",
                "Alice", "A user name may only hold lowercase letters a-z and digits 0-9, as on Docker Hub.",
                "<b>x</b>", "A user name may only hold lowercase letters a-z and digits 0-9, as on Docker Hub.",
                "al_ice", "A user name may only hold lowercase letters a-z and digits 0-9, as on Docker Hub.");
        WebClient web = new WebClient(base);
        cases.forEach((name, reason) -> {
            HttpResponse<String> response = web.postJson("/api/signup", Map.of("username", name, "password", "long-enough"));
            assertEquals(400, response.statusCode(), name);
            assertEquals(reason, WebClient.json(response).get("error").asText(), name);
        });
        HttpResponse<String> form = web.postForm("/signup", Map.of("username", "<script>alert(1)</script>",
                "password", "long-enough"), true);
        assertEquals(400, form.statusCode());
        assertFalse(form.body().contains("<script>alert(1)</script>"), "markup is escaped when shown back");
        assertTrue(form.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), form.body());
        HttpResponse<String> shortPassword = web.postJson("/api/signup", Map.of("username", name(), "password", "short"));
        assertEquals("A password needs at least 8 characters.", WebClient.json(shortPassword).get("error").asText());
    }

    @Test
    void a_taken_name_is_refused() {
        String name = name();
        new WebClient(base).signUp(name, "first-password");
        HttpResponse<String> again = new WebClient(base).postJson("/api/signup", Map.of("username", name,
                "password", "other-password"));
        assertEquals(400, again.statusCode());
        assertEquals("The name " + name + " is taken; choose another, or sign in.", WebClient.json(again).get("error").asText());
    }

    @Test
    void passwords_and_session_tokens_are_stored_only_as_hashes() throws Exception {
        String name = name();
        WebClient web = new WebClient(base).signUp(name, "clear-text-secret");
        String token = web.cookie("dockstep_session").getValue();
        try (Database db = db()) {
            db.read(connection -> {
                try (ResultSet rs = connection.createStatement().executeQuery(
                        "SELECT password_hash FROM learner WHERE name='" + name + "'")) {
                    assertTrue(rs.next());
                    assertTrue(rs.getString(1).startsWith("$2y$10$"), rs.getString(1));
                    assertFalse(rs.getString(1).contains("clear-text-secret"));
                }
                try (ResultSet rs = connection.createStatement().executeQuery("SELECT token_hash FROM web_session")) {
                    while (rs.next()) {
                        assertFalse(rs.getString(1).equals(token), "a raw session token in the database");
                    }
                }
                return null;
            });
        }
    }

    @Test
    void the_session_cookie_is_httponly_and_samesite_lax_and_secure_with_a_host_prefix_behind_tls() {
        WebClient web = new WebClient(base);
        HttpResponse<String> plain = web.postJson("/api/signup", Map.of("username", name(), "password", "long-enough"));
        String cookie = plain.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("dockstep_session="))
                .findFirst().orElseThrow();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertFalse(cookie.contains("Secure"), cookie);
        HttpResponse<String> tls = web.send(HttpRequest.newBuilder(URI.create(base + "/api/signup"))
                .header("Content-Type", "application/json").header("X-Forwarded-Proto", "https")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name() + "\",\"password\":\"long-enough\"}")));
        // __Host-: the browser keeps it only from a secure page, for this host alone, so no
        // subdomain or plain-HTTP page can plant a session or a CSRF cookie of its choosing.
        String secure = tls.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-dockstep_session="))
                .findFirst().orElseThrow(() -> new AssertionError(tls.headers().toString()));
        assertTrue(secure.contains("Secure") && secure.contains("Path=/") && !secure.contains("Domain"), secure);
        assertFalse(tls.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("dockstep_session=")));
    }

    @Test
    void repeated_failed_sign_ins_are_throttled_even_for_the_right_password() {
        String name = name();
        new WebClient(base).signUp(name, "right-password");
        WebClient guesser = new WebClient(base);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, guesser.postJson("/api/login", Map.of("username", name, "password", "guess-" + i)).statusCode());
        }
        HttpResponse<String> blocked = guesser.postJson("/api/login", Map.of("username", name, "password", "right-password"));
        assertEquals(429, blocked.statusCode());
        assertEquals("Too many failed sign-ins for this name; try again in 10 minutes.",
                WebClient.json(blocked).get("error").asText());
    }

    @Test
    void a_form_without_its_csrf_token_or_with_another_browsers_token_changes_nothing() {
        String name = name();
        new WebClient(base).signUp(name, "form-password");
        WebClient browser = new WebClient(base);
        Map<String, String> form = Map.of("username", name, "password", "form-password");
        HttpResponse<String> missing = browser.postForm("/login", form, false);
        assertEquals(403, missing.statusCode());
        assertTrue(missing.body().contains("This form has expired or came from another site"), missing.body());
        String stolen = new WebClient(base).csrfToken();
        browser.csrfToken();
        Map<String, String> replayed = new java.util.HashMap<>(form);
        replayed.put("_csrf", stolen);
        assertEquals(403, browser.postForm("/login", replayed, false).statusCode());
        assertEquals(401, browser.get("/api/me").statusCode(), "still signed out");

        HttpResponse<String> signedIn = browser.postForm("/login", form, true);
        assertEquals(302, signedIn.statusCode());
        assertEquals(403, browser.postForm("/logout", Map.of(), false).statusCode());
        assertEquals(200, browser.get("/api/me").statusCode(), "a forged sign-out did not sign out");
        assertEquals(302, browser.postForm("/logout", Map.of(), true).statusCode());
        assertEquals(401, browser.get("/api/me").statusCode());
    }

    @Test
    void the_json_api_refuses_cross_site_origins_other_content_types_and_oversized_bodies() {
        WebClient web = new WebClient(base);
        HttpResponse<String> crossSite = web.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                .header("Content-Type", "application/json").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, crossSite.statusCode());
        assertEquals(400, web.postForm("/api/login", Map.of("username", "x"), false).statusCode());
        HttpResponse<String> big = web.postJson("/api/signup", "{\"username\":\"" + "a".repeat(100_000) + "\"}");
        assertEquals(413, big.statusCode());
        assertEquals("The request is larger than 64 KB.", WebClient.json(big).get("error").asText());
        HttpResponse<String> notJson = web.postJson("/api/signup", "{not json");
        assertEquals(400, notJson.statusCode());
        assertTrue(WebClient.json(notJson).get("error").asText().startsWith("The request body is not JSON"));
    }

    @Test
    void learners_get_403_from_every_instructor_page_and_see_only_their_own_progress() {
        WebClient alice = new WebClient(base).signUp(name(), "alice-password");
        WebClient bob = new WebClient(base).signUp(name(), "bob-password");
        alice.postJson("/api/check/hub/basics/read-this", "{}");
        for (String path : List.of("/instructor", "/instructor/progress.csv", "/instructor/report")) {
            assertEquals(403, bob.get(path).statusCode(), path);
        }
        assertEquals(0, WebClient.json(bob.get("/api/progress")).get("steps").size(), "bob sees none of alice's work");
        assertEquals(1, WebClient.json(alice.get("/api/progress")).get("steps").size());
        assertEquals(302, new WebClient(base).get("/instructor").statusCode(), "a visitor is sent to sign in");
    }

    @Test
    void the_instructor_sees_the_grid_the_funnel_the_common_failure_and_a_csv_updating_live() throws Exception {
        String teacherName = name();
        WebClient teacher = new WebClient(base).signUp(teacherName, "teacher-password");
        List<String> add = new ArrayList<>(List.of("instructor", "add", teacherName, "--data", data.toString()));
        if (databaseUrl() != null) {
            add.addAll(List.of("--db", databaseUrl()));
        }
        var granted = DockstepProcess.run(Map.of(), add.toArray(String[]::new));
        assertEquals(0, granted.exitCode(), granted.output());
        String aliceName = name();
        WebClient alice = new WebClient(base).signUp(aliceName, "alice-password");
        String bobName = name();
        WebClient bob = new WebClient(base).signUp(bobName, "bob-password");
        alice.postJson("/api/check/hub/basics/read-this", "{}");
        alice.postJson("/api/check/hub/basics/a-question", "{\"answers\":[1]}");
        bob.postJson("/api/check/hub/basics/read-this", "{}");
        bob.postJson("/api/check/hub/basics/a-question", "{\"answers\":[0]}");
        bob.postJson("/api/check/hub/basics/a-question", "{\"answers\":[0]}");

        JsonNode report = WebClient.json(teacher.get("/instructor/report"));
        List<String> learners = new ArrayList<>();
        report.get("learners").forEach(n -> learners.add(n.asText()));
        assertTrue(learners.containsAll(List.of(aliceName, bobName)), learners.toString());
        assertFalse(learners.contains(teacherName), "instructors are not rows of the grid");
        assertEquals("passed", report.at("/grid/" + aliceName + "/hub~1basics~1a-question/status").asText());
        assertEquals("attempted", report.at("/grid/" + bobName + "/hub~1basics~1a-question/status").asText());
        assertEquals(2, report.at("/grid/" + bobName + "/hub~1basics~1a-question/attempts").asInt());
        JsonNode question = null;
        for (JsonNode f : report.get("funnel")) {
            if (f.at("/step/step").asText().equals("a-question")) {
                question = f;
            }
        }
        assertNotNull(question);
        assertTrue(question.get("reached").asInt() >= 2);
        // Bob tried a moment ago: stuck means tried and not passed for a while (ClassReportTest has the clock).
        assertEquals(0, question.get("stuck").asInt());
        assertEquals("That is not the right answer.", question.get("commonFailure").asText());

        String page = teacher.get("/instructor").body();
        assertTrue(page.contains("1.2: That is not the right answer. <span class=\"note\">("), page);
        String csv = teacher.get("/instructor/progress.csv").body();
        assertTrue(csv.startsWith("learner,course,lesson,step,status,attempts,first_attempt_at,passed_at,last_failure\n"),
                csv);
        assertTrue(csv.contains(bobName + ",hub,basics,a-question,attempted,2,"), csv);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith(bobName + ",hub,basics,a-question,")
                && line.endsWith(",That is not the right answer.")), csv);

        try (SseClient live = new SseClient(base + "/events", teacher.cookieHeader()).awaitConnected()) {
            bob.postJson("/api/check/hub/basics/a-question", "{\"answers\":[1]}");
            SseClient.Event event = live.next(Duration.ofSeconds(5));
            assertNotNull(event, "no live update for the instructor");
            assertEquals("progress-changed", event.name());
        }
    }

    @Test
    void forty_guesses_from_eight_addresses_then_the_right_password_from_a_ninth_is_refused() {
        String name = name();
        new WebClient(base).signUp(name, "right-password");
        try (Database db = db()) {
            Accounts accounts = new Accounts(db, java.time.Clock.systemUTC(),
                    new SignInThrottle(java.time.Clock.systemUTC()));
            for (int address = 1; address <= 8; address++) {
                for (int guess = 0; guess < 5; guess++) {
                    assertTrue(accounts.signIn(name, "guess-" + guess, "10.0.0." + address)
                            instanceof Accounts.Outcome.Refused);
                }
            }
            Accounts.Outcome ninth = accounts.signIn(name, "right-password", "10.0.0.9");
            assertEquals(new Accounts.Outcome.Refused("Too many failed sign-ins for this name; try again in 10 minutes."),
                    ninth);
            assertTrue(accounts.signIn(name, "right-password", "10.0.0.9") instanceof Accounts.Outcome.Refused);
        }
    }

    @Test
    void a_sign_in_with_a_name_no_account_can_have_is_refused_before_anything_keeps_it() {
        try (Database db = db()) {
            SignInThrottle throttle = new SignInThrottle(java.time.Clock.systemUTC());
            Accounts accounts = new Accounts(db, java.time.Clock.systemUTC(), throttle);
            for (int i = 0; i < 200; i++) {
                Accounts.Outcome outcome = accounts.signIn("x".repeat(60_000) + i, "some-password", "10.0.0.1");
                assertEquals(new Accounts.Outcome.Refused("A user name has 4 to 30 characters; this one has "
                        + (60_000 + Integer.toString(i).length()) + "."), outcome);
            }
            assertEquals(0, throttle.entries(), "no refused name is kept");
        }
        HttpResponse<String> api = new WebClient(base).postJson("/api/login", Map.of("username", "Robert'); DROP",
                "password", "whatever-it-is"));
        assertEquals(401, api.statusCode());
        assertEquals("A user name may only hold lowercase letters a-z and digits 0-9, as on Docker Hub.",
                WebClient.json(api).get("error").asText());
    }

    @Test
    void a_password_over_bcrypts_72_bytes_is_refused_at_sign_up_and_never_matches_at_sign_in() {
        String name = name();
        WebClient web = new WebClient(base);
        String message = "A password has at most 72 bytes: 72 plain letters, digits or signs, fewer with accents or emoji.";
        HttpResponse<String> signUp = web.postJson("/api/signup", Map.of("username", name, "password", "p".repeat(73)));
        assertEquals(400, signUp.statusCode(), signUp.body());
        assertEquals(message, WebClient.json(signUp).get("error").asText());
        // 36 two-byte letters are 72 bytes, and fit; one more does not.
        assertEquals(400, web.postJson("/api/signup", Map.of("username", name, "password", "é".repeat(37))).statusCode());
        web.signUp(name, "é".repeat(36));
        HttpResponse<String> longer = new WebClient(base).postJson("/api/login", Map.of("username", name,
                "password", "é".repeat(36) + "x"));
        assertEquals(401, longer.statusCode(), "bcrypt would have read only the first 72 bytes: " + longer.body());
        assertEquals(401, new WebClient(base).postJson("/api/login", Map.of("username", name,
                "password", "p".repeat(10_000))).statusCode());
        assertEquals(200, new WebClient(base).postJson("/api/login", Map.of("username", name,
                "password", "é".repeat(36))).statusCode());
    }

    @Test
    void signing_out_everywhere_ends_every_session_of_the_learner_at_once_and_no_one_elses() {
        String name = name();
        WebClient laptop = new WebClient(base).signUp(name, "everywhere-password");
        WebClient phone = new WebClient(base);
        assertEquals(200, phone.postJson("/api/login", Map.of("username", name, "password", "everywhere-password"))
                .statusCode());
        WebClient other = new WebClient(base).signUp(name(), "other-password");
        assertEquals(200, laptop.get("/api/me").statusCode(), "the session is in the server's memory now");
        assertTrue(phone.get("/account").body().contains("You are signed in on 2 browsers"));

        HttpResponse<String> form = phone.postForm("/account/sign-out-everywhere", Map.of(), true);
        assertEquals(302, form.statusCode(), form.body());
        assertEquals(401, laptop.get("/api/me").statusCode(), "the other browser is signed out at once");
        assertEquals(401, phone.get("/api/me").statusCode());
        assertEquals(200, other.get("/api/me").statusCode(), "another learner is not");

        WebClient again = new WebClient(base);
        again.postJson("/api/login", Map.of("username", name, "password", "everywhere-password"));
        HttpResponse<String> api = again.postJson("/api/logout-everywhere", "{}");
        assertEquals(Map.of("sessionsEnded", 1), Map.of("sessionsEnded", WebClient.json(api).get("sessionsEnded").asInt()));
        assertEquals(401, again.get("/api/me").statusCode());
        assertEquals(401, new WebClient(base).postJson("/api/logout-everywhere", "{}").statusCode());
    }

    @Test
    void instructor_remove_takes_the_role_back_and_says_clearly_when_it_cannot() throws Exception {
        String name = name();
        WebClient teacher = new WebClient(base).signUp(name, "teacher-password");
        assertEquals(0, instructorCommand("add", name).exitCode());
        assertEquals(200, teacher.get("/instructor/report").statusCode());

        var removed = instructorCommand("remove", name);
        assertEquals(0, removed.exitCode(), removed.output());
        assertTrue(removed.output().contains(name + " is no longer an instructor."), removed.output());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> teacher.get("/instructor/report").statusCode() == 403);
        assertEquals("learner", WebClient.json(teacher.get("/api/me")).get("role").asText());

        var again = instructorCommand("remove", name);
        assertEquals(1, again.exitCode());
        assertEquals("dockstep: " + name + " is not an instructor; `dockstep instructor add " + name
                + "` makes them one", again.output().strip());
        var nobody = instructorCommand("remove", "nosuchperson");
        assertEquals(1, nobody.exitCode());
        assertEquals("dockstep: no one named 'nosuchperson' has signed up", nobody.output().strip());
    }

    private dev.dockstep.harness.Cli.Result instructorCommand(String what, String name) {
        List<String> args = new ArrayList<>(List.of("instructor", what, name, "--data", data.toString()));
        if (databaseUrl() != null) {
            args.addAll(List.of("--db", databaseUrl()));
        }
        return DockstepProcess.run(Map.of(), args.toArray(String[]::new));
    }
}

package dev.dockstep.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.harness.LearnerSandbox;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The practice registry behaves like Docker Hub, proven with the real docker CLI and two (or
 * three) learners, each in a sandbox of their own: namespaces, public and private repositories,
 * access tokens, the repository pages, and the verdicts that name what the registry refused.
 */
class RegistryAccessIT {
    static final Path LESSONS = Path.of("src/test/resources/fixtures/registry");
    private static final String DENIED = "denied: requested access to the resource is denied";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestApp server;

    @BeforeAll
    static void start() {
        server = TestApp.start(LESSONS, config -> config);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A signed-up learner, logged in to the practice registry with their password. */
    private record Learner(String name, String password, WebClient web, LearnerSandbox sandbox) {
        static Learner signUp() {
            String name = "reg" + NAMES.incrementAndGet() + "learner";
            String password = "password-" + name;
            WebClient web = new WebClient(server.base()).signUp(name, password);
            Learner learner = new Learner(name, password, web, web.sandbox());
            learner.sandbox.login(password).requireSuccess();
            return learner;
        }

        String ref(String owner, String image) {
            return sandbox.registry() + "/" + owner + "/" + image;
        }

        Cli.Result docker(String... args) {
            return sandbox.docker(args);
        }

        /** Tags backend:0.1 as {@code ref} and pushes it. */
        Cli.Result push(String ref) {
            docker("tag", "backend:0.1", ref).requireSuccess();
            return docker("push", ref);
        }

        Cli.Result login(String user, String secret) {
            return Cli.run(List.of("docker", "login", sandbox.registry(), "-u", user, "--password-stdin"),
                    sandbox.env(), secret);
        }

        JsonNode check(String lesson, String step) {
            return WebClient.json(web.postJson("/api/check/hub/" + lesson + "/" + step, "{}"));
        }

        JsonNode api(HttpResponse<String> response, int status) {
            assertEquals(status, response.statusCode(), response.body());
            return WebClient.json(response);
        }
    }

    private static String lastLine(Cli.Result result) {
        return result.output().strip().lines().reduce((a, b) -> b).orElse("");
    }

    @Test
    void a_learner_pushes_under_their_own_name_and_nobody_else_may_push_there() {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        a.push(a.ref(a.name(), "backend:0.1")).requireSuccess();

        Cli.Result intruder = b.push(a.ref(a.name(), "backend:0.2"));
        assertNotEquals(0, intruder.exitCode());
        assertEquals(DENIED, lastLine(intruder), intruder.output());
        Cli.Result overwrite = b.push(a.ref(a.name(), "backend:0.1"));
        assertEquals(DENIED, lastLine(overwrite), overwrite.output());
        Cli.Result root = b.push(a.sandbox().registry() + "/backend:0.1");
        assertEquals(DENIED, lastLine(root), "nor outside every namespace: " + root.output());
        b.push(b.ref(b.name(), "backend:0.1")).requireSuccess();

        JsonNode tags = a.api(a.web().get("/api/repositories/" + a.name() + "/backend"), 200).path("tags");
        assertEquals(List.of("0.1"), tags.findValuesAsText("tag"), "b's pushes left a's repository alone");
    }

    @Test
    void a_public_repository_is_pulled_by_anyone_signed_in_and_a_private_one_only_by_its_owner() {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        String ref = a.ref(a.name(), "shared:1");
        a.push(ref).requireSuccess();
        b.docker("pull", ref).requireSuccess();
        b.docker("rmi", ref).requireSuccess();

        a.api(a.web().postJson("/api/repositories/visibility", Map.of("name", a.name() + "/shared", "private", true)), 200);
        Cli.Result refused = b.docker("pull", ref);
        assertNotEquals(0, refused.exitCode());
        assertEquals("Error response from daemon: pull access denied for " + a.ref(a.name(), "shared")
                + ", repository does not exist or may require 'docker login': " + DENIED, lastLine(refused));
        Cli.Result missing = b.docker("pull", a.ref(a.name(), "nothing:1"));
        assertEquals(lastLine(refused).replace("/shared,", "/nothing,"), lastLine(missing),
                "a private repository and a missing one look the same");
        a.docker("rmi", ref).requireSuccess();
        a.docker("pull", ref).requireSuccess();

        Cli.Result anonymous = b.docker("logout", b.sandbox().registry());
        anonymous.requireSuccess();
        assertEquals("Error response from daemon: pull access denied for " + a.ref(a.name(), "shared")
                + ", repository does not exist or may require 'docker login': " + DENIED,
                lastLine(b.docker("pull", ref)), "signed out, a private repository stays hidden");
        a.api(a.web().postJson("/api/repositories/visibility", Map.of("name", a.name() + "/shared", "private", false)), 200);
        b.docker("pull", ref).requireSuccess();
        b.login(b.name(), b.password()).requireSuccess();
        b.docker("pull", ref).requireSuccess();
    }

    @Test
    void a_repository_made_private_ahead_is_private_from_its_first_push_and_hidden_even_by_name() throws Exception {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        Learner teacher = Learner.signUp();
        assertEquals(0, DockstepProcess.run(Map.of(), "instructor", "add", teacher.name(), "--data",
                server.data().toString()).exitCode());
        a.api(a.web().postJson("/api/repositories", Map.of("name", "secret", "private", true)), 201);
        a.push(a.ref(a.name(), "secret:1")).requireSuccess();
        assertEquals(DENIED, lastLine(b.docker("pull", a.ref(a.name(), "secret:1"))).replaceFirst(".*: denied", "denied"));

        JsonNode aList = a.api(a.web().get("/api/repositories"), 200);
        assertEquals(List.of(a.name() + "/secret"), aList.path("mine").findValuesAsText("name"));
        assertTrue(aList.path("mine").get(0).path("isPrivate").asBoolean());
        assertFalse(b.web().get("/api/repositories").body().contains(a.name() + "/secret"));
        HttpResponse<String> bPage = b.web().get("/repositories");
        assertEquals(200, bPage.statusCode(), bPage.body());
        assertTrue(bPage.body().contains("Other learners’ public repositories"), bPage.body());
        assertFalse(bPage.body().contains(a.name() + "/secret"));
        HttpResponse<String> aPage = a.web().get("/repositories");
        assertTrue(aPage.body().contains("href=\"/repositories/" + a.name() + "/secret\""), aPage.body());
        HttpResponse<String> hidden = b.web().get("/api/repositories/" + a.name() + "/secret");
        HttpResponse<String> missing = b.web().get("/api/repositories/" + a.name() + "/nothing");
        assertEquals(404, hidden.statusCode());
        assertEquals(WebClient.json(missing).get("error").asText().replace("/nothing", "/secret"),
                WebClient.json(hidden).get("error").asText(), "hidden and missing are answered alike");
        assertEquals(404, b.web().get("/repositories/" + a.name() + "/secret").statusCode());
        assertTrue(teacher.web().get("/api/repositories").body().contains(a.name() + "/secret"), "instructors see all");
        assertEquals(200, teacher.web().get("/repositories/" + a.name() + "/secret").statusCode());

        HttpResponse<String> theirs = b.web().postJson("/api/repositories", Map.of("name", a.name() + "/mine"));
        assertEquals(403, theirs.statusCode());
        assertEquals("Your repositories go under your own name, " + b.name() + "/….",
                WebClient.json(theirs).get("error").asText());
        HttpResponse<String> flip = b.web().postJson("/api/repositories/visibility",
                Map.of("name", a.name() + "/secret", "private", false));
        assertEquals(404, flip.statusCode(), "b may not even learn that it exists");
    }

    @Test
    void an_access_token_logs_in_with_its_scope_and_a_revoked_one_stops_at_the_next_token_request() throws Exception {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        JsonNode read = a.api(a.web().postJson("/api/tokens", Map.of("description", "laptop", "scope", "read")), 201);
        String readToken = read.get("token").asText();
        assertTrue(readToken.startsWith("dockstep_pat_"), readToken);
        JsonNode listed = a.api(a.web().get("/api/tokens"), 200).path("tokens");
        assertEquals(List.of("laptop"), listed.findValuesAsText("description"));
        assertFalse(listed.toString().contains(readToken), "the token is shown once, never listed");

        a.docker("logout", a.sandbox().registry()).requireSuccess();
        assertTrue(a.login(a.name(), readToken).requireSuccess().output().contains("Login Succeeded"));
        Cli.Result push = a.push(a.ref(a.name(), "tokened:1"));
        assertEquals(DENIED, lastLine(push), "a read token cannot push: " + push.output());
        a.login(a.name(), a.password()).requireSuccess();
        a.push(a.ref(a.name(), "tokened:1")).requireSuccess();
        a.login(a.name(), readToken).requireSuccess();
        a.docker("rmi", a.ref(a.name(), "tokened:1")).requireSuccess();
        a.docker("pull", a.ref(a.name(), "tokened:1")).requireSuccess();

        JsonNode write = a.api(a.web().postJson("/api/tokens", Map.of("description", "CI", "scope", "read-write")), 201);
        String writeToken = write.get("token").asText();
        a.login(a.name(), writeToken).requireSuccess();
        a.push(a.ref(a.name(), "tokened:2")).requireSuccess();
        assertEquals("Error response from daemon: Get \"http://" + a.sandbox().registry()
                + "/v2/\": unauthorized: incorrect username or password", lastLine(b.login(a.name() + "x", writeToken)));
        assertEquals("Error response from daemon: Get \"http://" + a.sandbox().registry()
                + "/v2/\": unauthorized: incorrect username or password", lastLine(b.login(b.name(), writeToken)),
                "a's token is no login for b");
        assertEquals(404, b.web().postJson("/api/tokens/" + write.get("id").asText() + "/revoke", "{}").statusCode(),
                "b cannot revoke a's token");

        a.api(a.web().postJson("/api/tokens/" + write.get("id").asText() + "/revoke", "{}"), 200);
        Cli.Result revoked = a.push(a.ref(a.name(), "tokened:3"));
        assertNotEquals(0, revoked.exitCode());
        assertEquals("unauthorized: this access token was revoked; create a new one on dockstep's Access tokens page,"
                + " or log in with your password", lastLine(revoked), revoked.output());
        JsonNode verdict = a.check("login", "log-in");
        assertFalse(verdict.get("passed").asBoolean());
        assertTrue(verdict.at("/checks/0/reason").asText().contains("this access token was revoked"), verdict.toString());
        assertTrue(verdict.at("/checks/0/hint").asText().startsWith("That access token was revoked."), verdict.toString());

        byte[] database = Files.readAllBytes(server.data().resolve("progress.db"));
        String stored = new String(database, StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains(writeToken) || stored.contains(readToken), "only hashes of tokens are stored");
    }

    @Test
    void the_repository_page_shows_tags_digests_sizes_push_times_and_its_owner_deletes_a_tag() {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        a.push(a.ref(a.name(), "pages:1")).requireSuccess();
        a.docker("tag", "backend:0.1", a.ref(a.name(), "pages:same")).requireSuccess();
        a.docker("push", a.ref(a.name(), "pages:same")).requireSuccess();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.api(a.web().get("/api/repositories/" + a.name()
                + "/pages"), 200).path("tags").findValuesAsText("pushedAt").stream().noneMatch(t -> t.equals("null")));
        JsonNode detail = a.api(a.web().get("/api/repositories/" + a.name() + "/pages"), 200);
        assertEquals("docker pull " + a.ref(a.name(), "pages"), detail.get("pullCommand").asText());
        JsonNode tag = detail.path("tags").get(0);
        assertTrue(tag.get("digest").asText().startsWith("sha256:"), tag.toString());
        assertTrue(tag.get("size").asLong() > 0, tag.toString());
        assertTrue(tag.get("pullCommand").asText().startsWith("docker pull " + a.ref(a.name(), "pages:")));

        String html = a.web().get("/repositories/" + a.name() + "/pages").body();
        assertTrue(html.contains("docker pull " + a.ref(a.name(), "pages:1")), html);
        assertTrue(html.contains("Make private"), html);
        String others = b.web().get("/repositories/" + a.name() + "/pages").body();
        assertFalse(others.contains("Make private") || others.contains("delete-tag"), "only the owner may change it");

        HttpResponse<String> notMine = b.web().postJson("/api/repositories/delete-tag",
                Map.of("name", a.name() + "/pages", "tag", "1"));
        assertEquals(403, notMine.statusCode());
        assertEquals("Only " + a.name() + " may delete tags of " + a.sandbox().registry() + "/" + a.name() + "/pages.",
                WebClient.json(notMine).get("error").asText());
        HttpResponse<String> noCsrf = a.web().postForm("/repositories/delete-tag",
                Map.of("name", a.name() + "/pages", "tag", "1"), false);
        assertEquals(403, noCsrf.statusCode());

        HttpResponse<String> deleted = a.web().postForm("/repositories/delete-tag",
                Map.of("name", a.name() + "/pages", "tag", "1"), true);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertTrue(deleted.body().contains("Deleted " + a.ref(a.name(), "pages:1") + ", and same, which named the same"
                + " image."), deleted.body());
        assertEquals(List.of(), a.api(a.web().get("/api/repositories/" + a.name() + "/pages"), 200).path("tags")
                .findValuesAsText("tag"));
        assertNotEquals(0, b.docker("pull", a.ref(a.name(), "pages:1")).exitCode(), "gone from the registry");
    }

    @Test
    void a_refused_push_and_pull_are_named_in_the_failing_verdicts() {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        a.api(a.web().postJson("/api/repositories", Map.of("name", "backend", "private", true)), 201);
        a.push(a.ref(a.name(), "backend:0.1")).requireSuccess();

        // b has the right name too, but pushed the wrong one: a's.
        b.docker("tag", "backend:0.1", b.ref(b.name(), "backend:0.1")).requireSuccess();
        assertEquals(DENIED, lastLine(b.push(a.ref(a.name(), "backend:0.1"))));
        JsonNode push = b.check("push", "push");
        assertFalse(push.get("passed").asBoolean());
        assertEquals("The registry " + b.sandbox().registry() + " has no `" + b.ref(b.name(), "backend") + ":0.1` yet: it"
                + " refused your push to `" + a.ref(a.name(), "backend") + "` (only " + a.name() + " may push in "
                + a.name() + "/…; use your own name, " + b.name() + "/backend).", push.at("/checks/0/reason").asText());
        assertEquals("Push under your own name: `docker tag SOURCE " + b.ref(b.name(), "backend:0.1") + "`, then"
                + " `docker push " + b.ref(b.name(), "backend:0.1") + "`.", push.at("/checks/0/hint").asText());

        b.docker("pull", a.ref(a.name(), "backend:0.1"));
        JsonNode pull = b.check("pull", "pull");
        assertFalse(pull.get("passed").asBoolean());
        assertEquals("Docker has not pulled `" + b.ref(b.name(), "backend:0.1") + "` since this step began: the registry"
                + " refused a pull of `" + a.ref(a.name(), "backend") + "` (" + a.name() + "/backend is private, or does"
                + " not exist).", pull.at("/checks/0/reason").asText());

        b.docker("logout", b.sandbox().registry()).requireSuccess();
        b.login(b.name(), "a-wrong-password");
        JsonNode login = b.check("login", "log-in");
        assertEquals("You are not logged in to " + b.sandbox().registry() + ": the registry refused the last login"
                + " (incorrect username or password).", login.at("/checks/0/reason").asText());
        b.login(b.name(), b.password()).requireSuccess();
        assertTrue(b.check("login", "log-in").get("passed").asBoolean());
    }

    @Test
    void the_tokens_page_shows_a_new_token_once_and_its_forms_need_this_browsers_csrf_token() {
        Learner a = Learner.signUp();
        HttpResponse<String> forged = a.web().postForm("/tokens", Map.of("description", "forged", "scope", "read"), false);
        assertEquals(403, forged.statusCode());
        HttpResponse<String> refused = a.web().postForm("/tokens", Map.of("description", " ", "scope", "read"), true);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("Describe what the token is for"), refused.body());

        HttpResponse<String> made = a.web().postForm("/tokens", Map.of("description", "my laptop", "scope",
                "read-write"), true);
        assertEquals(200, made.statusCode(), made.body());
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("dockstep_pat_[A-Za-z0-9_-]{43}").matcher(made.body());
        assertTrue(token.find(), made.body());
        assertTrue(made.body().contains("docker login " + a.sandbox().registry() + " --username " + a.name()
                + " --password-stdin"), made.body());
        a.login(a.name(), token.group()).requireSuccess();

        String page = a.web().get("/tokens").body();
        assertTrue(page.contains("my laptop") && page.contains("read-write"), page);
        assertFalse(page.contains(token.group()), "shown once, never again");
        String id = WebClient.json(a.web().get("/api/tokens")).at("/tokens/0/id").asText();
        assertEquals(403, a.web().postForm("/tokens/revoke", Map.of("id", id), false).statusCode());
        HttpResponse<String> revoked = a.web().postForm("/tokens/revoke", Map.of("id", id), true);
        assertEquals(302, revoked.statusCode(), revoked.body());
        assertTrue(a.web().get("/tokens").body().contains("Revoked"));
        assertNotEquals(0, a.login(a.name(), token.group()).exitCode());
    }

    @Test
    void repeated_wrong_passwords_at_docker_login_are_throttled_with_one_line() {
        String name = "reg" + NAMES.incrementAndGet() + "guessed";
        WebClient web = new WebClient(server.base()).signUp(name, "password-" + name);
        LearnerSandbox sandbox = web.sandbox();
        for (int i = 0; i < 5; i++) {
            Cli.Result wrong = Cli.run(List.of("docker", "login", sandbox.registry(), "-u", name, "--password-stdin"),
                    sandbox.env(), "guess-" + i);
            assertTrue(lastLine(wrong).endsWith("unauthorized: incorrect username or password"), wrong.output());
        }
        Cli.Result right = Cli.run(List.of("docker", "login", sandbox.registry(), "-u", name, "--password-stdin"),
                sandbox.env(), "password-" + name);
        assertNotEquals(0, right.exitCode());
        assertTrue(lastLine(right).endsWith("unauthorized: too many failed logins for " + name
                + "; try again in 10 minutes"), right.output());
        JsonNode verdict = WebClient.json(web.postJson("/api/check/hub/login/log-in", "{}"));
        assertEquals("You are not logged in to " + sandbox.registry() + ": the registry refused the last login (too many"
                + " failed logins for " + name + "; try again in 10 minutes).", verdict.at("/checks/0/reason").asText());
        assertTrue(verdict.at("/checks/0/hint").asText().startsWith("Wait as long as the registry says"),
                verdict.toString());
    }

    @Test
    void only_the_owner_deletes_through_the_registrys_own_api_and_only_with_a_scope_that_allows_it() throws Exception {
        Learner a = Learner.signUp();
        Learner b = Learner.signUp();
        a.push(a.ref(a.name(), "deletable:1")).requireSuccess();
        String realm = server.app().sandboxes().registry().tokens().orElseThrow().realm();
        String repository = a.name() + "/deletable";
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String digest = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://"
                        + a.sandbox().registry() + "/v2/" + repository + "/manifests/1"))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
                .header("Authorization", "Bearer " + token(http, realm, a.name(), a.password(), repository, "pull")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).headers().firstValue("Docker-Content-Digest").orElseThrow();

        JsonNode readWrite = a.api(a.web().postJson("/api/tokens", Map.of("description", "no delete", "scope",
                "read-write")), 201);
        assertEquals(401, delete(http, a.sandbox().registry(), repository, digest,
                token(http, realm, b.name(), b.password(), repository, "delete")), "b may not delete a's image");
        assertEquals(401, delete(http, a.sandbox().registry(), repository, digest,
                token(http, realm, a.name(), readWrite.get("token").asText(), repository, "delete")),
                "a read-write token may not delete");
        assertEquals(202, delete(http, a.sandbox().registry(), repository, digest,
                token(http, realm, a.name(), a.password(), repository, "delete")), "a, with her password, may");
    }

    private static String token(java.net.http.HttpClient http, String realm, String user, String secret,
                                String repository, String action) throws Exception {
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(realm
                        + "?service=dockstep-registry&scope=repository:" + repository + ":" + action))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + secret)
                        .getBytes(StandardCharsets.UTF_8))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return WebClient.json(response).get("token").asText();
    }

    private static int delete(java.net.http.HttpClient http, String registry, String repository, String digest,
                              String token) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + registry + "/v2/"
                + repository + "/manifests/" + digest)).DELETE().header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}

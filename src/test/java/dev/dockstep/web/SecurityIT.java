package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a page on another site, or a name pointed at this machine, can make a browser do here. */
class SecurityIT {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestApp server;
    private static String base;
    private static int port;

    @BeforeAll
    static void start() {
        server = TestApp.start(ServerIT.LESSONS, config -> config);
        base = server.base();
        port = server.app().port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String name() {
        return "secure" + NAMES.incrementAndGet();
    }

    @Test
    void sign_in_sends_the_browser_only_to_a_path_on_this_site_whatever_next_says() {
        String name = name();
        new WebClient(base).signUp(name, "redirect-password");
        Map<String, String> form = Map.of("username", name, "password", "redirect-password");
        for (String next : List.of("/%09/127.0.0.1:7412/x", "/\t/evil.example", "//evil.example", "///evil.example",
                "/\\evil.example", "\\\\evil.example", "https://evil.example", "javascript:alert(1)",
                "/%2F%2Fevil.example", "/%5Cevil.example", "/%0d%0aSet-Cookie:x=y", "/%252f%252fevil.example",
                "evil.example", " //evil.example")) {
            WebClient browser = new WebClient(base);
            HttpResponse<String> signedIn = browser.postForm("/login?next=" + URLEncoder.encode(next,
                    StandardCharsets.UTF_8), form, true);
            assertEquals(302, signedIn.statusCode(), next);
            assertEquals("/", signedIn.headers().firstValue("Location").orElseThrow(), next);
            String page = browser.get("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)).body();
            assertTrue(page.contains("action=\"/login\"") && page.contains("href=\"/signup\""),
                    "the forms keep nothing of " + next);
        }
        HttpResponse<String> kept = new WebClient(base).postForm("/login?next=%2Fcourses%2Fhub%2Ftag", form, true);
        assertEquals("/courses/hub/tag", kept.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void every_response_forbids_inline_script_framing_sniffing_and_referrers_to_other_sites() throws Exception {
        WebClient visitor = new WebClient(base);
        for (String path : List.of("/", "/login", "/static/css/dockstep.css", "/static/js/lesson.js", "/healthz",
                "/api/me", "/no-such-page", "/courses/hub/tag")) {
            HttpResponse<String> response = visitor.get(path);
            String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self';") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
                    path + ": " + csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), path + ": " + csp);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("same-origin", response.headers().firstValue("Referrer-Policy").orElse(""), path);
        }
        // No page holds a script or a style of its own that the policy would block.
        WebClient learner = new WebClient(base).signUp(name(), "headers-password");
        for (String path : List.of("/", "/courses/hub/tag", "/courses/hub/basics", "/account", "/login", "/signup")) {
            String html = learner.get(path).body();
            assertFalse(html.matches("(?s).*<script(?![^>]*\\ssrc=)[^>]*>.*"), path + " has an inline script");
            assertFalse(html.matches("(?s).*\\son[a-z]+=.*|.*<style.*|.*\\sstyle=.*"), path + " has inline style or handlers");
        }
    }

    @Test
    void a_host_name_that_could_be_rebound_to_this_machine_is_refused_with_the_flag_to_use() throws Exception {
        for (String host : List.of("evil.example:" + port, "rebind.attacker.example", "localhost.evil.example:" + port)) {
            String answer = get("/healthz", host);
            assertTrue(answer.startsWith("HTTP/1.1 400"), host + ": " + answer);
            assertTrue(answer.contains("This dockstep does not answer to the name '" + host.split(":")[0] + "'; if"
                    + " learners use that address, start it with --public-url http://" + host + "/."), answer);
        }
        for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "class.localhost:" + port,
                "LOCALHOST:" + port)) {
            String answer = get("/healthz", host);
            assertTrue(answer.startsWith("HTTP/1.1 200"), host + ": " + answer);
        }
    }

    @Test
    void a_form_posted_from_another_sites_page_is_refused_even_with_the_right_token() {
        String name = name();
        new WebClient(base).signUp(name, "origin-password");
        WebClient browser = new WebClient(base);
        String body = "username=" + name + "&password=origin-password&_csrf=" + browser.csrfToken();
        HttpResponse<String> crossSite = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(403, crossSite.statusCode());
        assertTrue(crossSite.body().contains("Requests from other sites are refused."), crossSite.body());
        HttpResponse<String> sameSite = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(302, sameSite.statusCode(), sameSite.body());
    }

    @Test
    void a_signed_in_forms_token_belongs_to_its_session_and_a_planted_cookie_cannot_stand_in_for_it() {
        String name = name();
        WebClient laptop = new WebClient(base).signUp(name, "session-password");
        WebClient phone = new WebClient(base);
        phone.postJson("/api/login", Map.of("username", name, "password", "session-password"));
        String session = laptop.cookie("dockstep_session").getValue();

        // A cookie planted by a sibling subdomain or a plain-HTTP page, and the same value in the form.
        HttpResponse<String> planted = laptop.send(HttpRequest.newBuilder(URI.create(base + "/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "dockstep_session=" + session + "; dockstep_csrf=planted-by-attacker")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=planted-by-attacker")));
        assertEquals(403, planted.statusCode());
        assertEquals(200, laptop.get("/api/me").statusCode(), "still signed in");

        HttpResponse<String> otherSessions = laptop.postForm("/logout", Map.of("_csrf", phone.csrfToken()), false);
        assertEquals(403, otherSessions.statusCode(), "the phone's token is not the laptop's");
        String kept = laptop.get("/courses/hub/tag").body();
        assertTrue(kept.contains("value=\"" + laptop.csrfToken() + "\""), "the kept page carries this session's token");
        assertTrue(phone.get("/courses/hub/tag").body().contains("value=\"" + phone.csrfToken() + "\""));
        assertEquals(302, laptop.postForm("/logout", Map.of(), true).statusCode());
        assertEquals(401, laptop.get("/api/me").statusCode());
        assertEquals(200, phone.get("/api/me").statusCode());
    }

    @Test
    void a_body_that_is_neither_a_form_nor_json_is_refused_before_it_is_read() {
        WebClient browser = new WebClient(base);
        HttpResponse<String> multipart = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "multipart/form-data; boundary=xx")
                .POST(HttpRequest.BodyPublishers.ofString("--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xx--\r\n")));
        assertEquals(415, multipart.statusCode());
        assertTrue(multipart.body().contains("Send a form (application/x-www-form-urlencoded) or JSON (application/json),"
                + " not multipart/form-data."), multipart.body());
    }

    /** A GET with a Host header of our choosing, which java.net.http will not send. */
    private static String get(String path, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String cookies(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().collect(Collectors.joining("\n"));
    }
}

package dev.dockstep.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A browser-like HTTP client for one person: it keeps cookies, and signs up or in through the API. */
public final class WebClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    public WebClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Signs up with the JSON API; fails the test when refused. */
    public WebClient signUp(String name, String password) {
        HttpResponse<String> response = postJson("/api/signup", Map.of("username", name, "password", password));
        if (response.statusCode() != 200) {
            throw new AssertionError("sign-up of " + name + " refused: " + response.body());
        }
        return this;
    }

    /** This learner's own sandbox, from {@code GET /api/sandbox} (which starts it if need be). */
    public LearnerSandbox sandbox() {
        HttpResponse<String> response = get("/api/sandbox");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /api/sandbox answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode body = json(response);
        return new LearnerSandbox(body.get("dockerHost").asText(), java.nio.file.Path.of(body.get("dockerConfig").asText()),
                body.get("registry").asText(), body.get("user").asText());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public HttpResponse<String> postJson(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Posts a form as a browser would; {@code withCsrf} adds this browser's own CSRF token. */
    public HttpResponse<String> postForm(String path, Map<String, String> fields, boolean withCsrf) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        if (withCsrf) {
            form.put("_csrf", csrfToken());
        }
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * The CSRF token this browser's forms carry now, read from a form as a browser would: its
     * session's own once signed in, a token matching its CSRF cookie before.
     */
    public String csrfToken() {
        String page = get("/login").body();
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        if (!token.find()) {
            throw new AssertionError("no CSRF token in the sign-in form: " + page);
        }
        return token.group(1);
    }

    public HttpCookie cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst().orElse(null);
    }

    /** The session cookie's header value, for clients that cannot share this one's cookies (SSE). */
    public String cookieHeader() {
        return cookies.getCookieStore().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

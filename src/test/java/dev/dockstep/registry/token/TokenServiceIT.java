package dev.dockstep.registry.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.sandbox.PracticeRegistry;
import dev.dockstep.sandbox.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * dockstep's token server in front of a real docker-registry: what the registry accepts (tokens
 * signed by the kept key, across restarts) and refuses (tampered, forged, expired, garbage), and
 * what the token endpoint answers to bad requests (one JSON line, never a 500).
 */
class TokenServiceIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MemoryDirectory directory = new MemoryDirectory().learner("alice", "alice-password");
    private Path dir;
    private int port;
    private TokenService tokens;
    private PracticeRegistry registry;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ds-tok-");
        port = Ports.free();
        tokens = startTokens(Clock.systemUTC());
        registry = startRegistry(tokens);
    }

    @AfterEach
    void stop() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (tokens != null) {
                tokens.close();
            }
            RealDocker.deleteTree(dir);
        }
    }

    private TokenService startTokens(Clock clock) {
        TokenService service = new TokenService(dir.resolve("token"), directory, clock);
        service.start();
        return service;
    }

    private PracticeRegistry startRegistry(TokenService service) {
        return PracticeRegistry.start(dir.resolve("registry"), "docker-registry", port, START,
                new PracticeRegistry.TokenAuth(service.realm(), TokenService.SERVICE, TokenService.ISSUER,
                        service.rootCertBundle(), service.notifyUrl(), service.notifySecret()));
    }

    private void restart(Clock clock) {
        registry.close();
        tokens.close();
        tokens = startTokens(clock);
        registry = startRegistry(tokens);
    }

    /** A token from the endpoint, as the docker daemon asks for one. */
    private String token(String user, String password, String scope) throws Exception {
        HttpResponse<String> response = ask("/token?service=" + TokenService.SERVICE + "&scope=" + scope,
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("token").asText();
    }

    private HttpResponse<String> ask(String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokens.realm().replace("/token", "")
                + pathAndQuery));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request sent byte for byte, and the whole answer. */
    private String raw(String requestLine) throws Exception {
        int tokenPort = URI.create(tokens.realm()).getPort();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", tokenPort)) {
            socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What the registry answers to a tags list of alice/app with {@code token}. */
    private int registryStatus(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/alice/app/tags/list"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void a_token_from_the_endpoint_opens_what_it_grants_and_nothing_more() throws Exception {
        String token = token("alice", "alice-password", "repository:alice/app:pull");
        assertEquals(404, registryStatus(token), "granted: the registry looked, and alice/app has no tags yet");
        String other = token("alice", "alice-password", "repository:alice/other:pull");
        assertEquals(401, registryStatus(other), "a token for another repository opens nothing here");
        JsonNode claims = JSON.readTree(SignedJWT.parse(token).getPayload().toString());
        assertEquals("alice", claims.get("sub").asText());
        assertEquals(TokenService.SERVICE, claims.get("aud").asText());
        assertEquals("[{\"type\":\"repository\",\"name\":\"alice/app\",\"actions\":[\"pull\"]}]",
                claims.get("access").toString());
    }

    @Test
    void a_restart_with_the_kept_key_leaves_tokens_it_issued_valid() throws Exception {
        String before = token("alice", "alice-password", "repository:alice/app:pull");
        restart(Clock.systemUTC());
        assertEquals(Optional.empty(), tokens.keyNotice(), "the same key: nothing to explain");
        assertEquals(404, registryStatus(before), "a token from before the restart still works");
    }

    @Test
    void a_lost_key_is_explained_and_tokens_signed_with_it_are_refused_while_new_ones_work() throws Exception {
        String before = token("alice", "alice-password", "repository:alice/app:pull");
        Files.delete(dir.resolve("token/" + SigningKey.KEY_FILE));
        restart(Clock.systemUTC());
        assertTrue(tokens.keyNotice().orElseThrow().contains("was missing, so dockstep made a new one; tokens issued"
                + " before this start are refused"), tokens.keyNotice().toString());
        assertEquals(401, registryStatus(before), "signed with the lost key");
        assertEquals(404, registryStatus(token("alice", "alice-password", "repository:alice/app:pull")));
    }

    @Test
    void tampered_forged_expired_misaddressed_unsigned_and_garbage_tokens_are_refused() throws Exception {
        String good = token("alice", "alice-password", "repository:alice/app:pull");
        assertEquals(404, registryStatus(good));

        // Same signature, claims changed to grant a push and speak for someone else.
        String[] parts = good.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sub\":\"alice\"", "\"sub\":\"bob\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals(401, registryStatus(tampered), "tampered claims");

        try (TokenService stranger = new TokenService(dir.resolve("stranger"), directory, Clock.systemUTC())) {
            stranger.start();
            HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(stranger.realm()
                    + "?service=" + TokenService.SERVICE + "&scope=repository:alice/app:pull"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "alice:alice-password".getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, registryStatus(JSON.readTree(forged.body()).get("token").asText()), "another key");
        }

        SigningKey key = SigningKey.loadOrCreate(dir.resolve("token"), Clock.systemUTC());
        Access pull = new Access("repository", "alice/app", java.util.Set.of("pull"));
        Clock hourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        assertEquals(401, registryStatus(new TokenIssuer(key, TokenService.ISSUER, TokenService.SERVICE, hourAgo)
                .issue("alice", List.of(pull)).token()), "expired");
        assertEquals(401, registryStatus(new TokenIssuer(key, TokenService.ISSUER, "another-service", Clock.systemUTC())
                .issue("alice", List.of(pull)).token()), "for another service");
        assertEquals(401, registryStatus(new TokenIssuer(key, "someone-else", TokenService.SERVICE, Clock.systemUTC())
                .issue("alice", List.of(pull)).token()), "from another issuer");
        assertEquals(401, registryStatus(new PlainJWT(SignedJWT.parse(good).getJWTClaimsSet()).serialize()), "alg none");
        assertEquals(401, registryStatus("not-a-jwt"), "garbage");
    }

    @Test
    void every_bad_token_request_is_one_json_line_and_never_a_500() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:alice-password".getBytes(StandardCharsets.UTF_8));
        Map<String, Integer> statuses = new java.util.LinkedHashMap<>();
        record Bad(String path, String authorization, int status, String message) {
        }
        String many = "&scope=repository:alice/a:pull".repeat(17);
        List<Bad> bad = List.of(
                new Bad("/token?service=" + TokenService.SERVICE + "&scope=nonsense", basic, 400,
                        "the scope 'nonsense' is not of the form type:name:actions, such as repository:alice/app:pull"),
                new Bad("/token?service=other", basic, 400,
                        "this token service issues tokens for the service dockstep-registry, not 'other'"),
                new Bad("/token?service=" + TokenService.SERVICE + many, basic, 400,
                        "a token request may name at most 16 scopes; this one names 17"),
                new Bad("/token?service=" + TokenService.SERVICE, "Basic %%%", 400,
                        "the Authorization header's Basic credentials are not base64"),
                new Bad("/token?service=" + TokenService.SERVICE, "Bearer abc", 400,
                        "the Authorization header must hold Basic credentials"),
                new Bad("/token?service=" + "x".repeat(9000), basic, 400, "the query is longer than 8192 characters"),
                new Bad("/token", "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8)),
                        401, "incorrect username or password"),
                new Bad("/elsewhere", null, 404, "this is the registry's token service; ask GET /token"),
                new Bad("/notify", null, 405, null));
        for (Bad request : bad) {
            HttpResponse<String> response = ask(request.path(), request.authorization());
            statuses.put(request.path(), response.statusCode());
            if (request.message() == null) {
                continue;
            }
            assertEquals(request.status(), response.statusCode(), request.path() + " " + response.body());
            assertEquals(request.message(), JSON.readTree(response.body()).at("/errors/0/message").asText());
            assertFalse(response.body().contains("\n"), response.body());
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(tokens.realm()))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("ask for a token with GET and basic credentials", JSON.readTree(post.body()).at("/errors/0/message").asText());
        HttpResponse<String> notify = http.send(HttpRequest.newBuilder(URI.create(tokens.notifyUrl()))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, notify.statusCode(), "only the registry may notify");
        assertTrue(statuses.values().stream().noneMatch(s -> s >= 500), statuses.toString());

        // What java.net.URI would not even send, as a raw request line.
        String encoded = raw("GET /token?service=%zz HTTP/1.1");
        assertTrue(encoded.startsWith("HTTP/1.1 400 "), encoded);
        assertEquals("the query holds a badly encoded value: service=%zz", JSON.readTree(encoded.substring(
                encoded.indexOf("\r\n\r\n") + 4)).at("/errors/0/message").asText(), encoded);
        String broken = raw("GET /to ken HTTP/1.1");
        assertTrue(broken.startsWith("HTTP/1.1 400 "), broken);
        assertTrue(broken.contains("Content-Type: application/json"), broken);
        String body = broken.substring(broken.indexOf("\r\n\r\n") + 4);
        assertEquals("Illegal character SPACE=' '", JSON.readTree(body).at("/errors/0/message").asText(), body);
    }

    @Test
    void a_directory_that_cannot_answer_is_a_503_that_says_try_again() throws Exception {
        Directory broken = new Directory() {
            @Override
            public Login login(String user, String secret) {
                throw new IllegalStateException("the database is down");
            }

            @Override
            public Optional<RepositoryState> repository(String name) {
                throw new IllegalStateException("the database is down");
            }

            @Override
            public boolean created(String name, String owner) {
                return true;
            }
        };
        try (TokenService service = new TokenService(dir.resolve("broken"), broken, Clock.systemUTC())) {
            service.start();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.realm()))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "alice:pw".getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, response.statusCode());
            assertEquals("the token service cannot answer now; try again in a moment",
                    JSON.readTree(response.body()).at("/errors/0/message").asText());
        }
    }
}

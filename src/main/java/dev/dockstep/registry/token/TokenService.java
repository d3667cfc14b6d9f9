package dev.dockstep.registry.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dockstep as the practice registry's token server. The registry answers a client without a
 * token with a challenge naming {@link #realm}; the client asks there, with its user name and
 * password (or access token) as basic credentials, for the scopes it needs; this service checks
 * the login with its {@link Directory}, decides each scope with {@link AccessRules}, and signs a
 * token granting what was allowed. Anything refused becomes the registry's standard
 * {@code denied} error at the client.
 *
 * <p>It listens on 127.0.0.1 on a port of its own, apart from the web server: every learner's
 * daemon (on the host's network) reaches it, and it is infrastructure, not a page, so the web
 * server's rules for browsers do not apply to it. It also takes the registry's notifications
 * ({@code POST /notify}) to learn when tags were pushed.
 */
public final class TokenService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
    public static final String SERVICE = "dockstep-registry";
    public static final String ISSUER = "dockstep";
    static final String CHECKS = "dockstep-checks";
    static final String PAGES = "dockstep-pages";
    private static final int MAX_QUERY = 8 * 1024;
    private static final int MAX_SCOPES = 16;
    private static final int MAX_NOTIFICATION = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path keyDir;
    private final Directory directory;
    private final Clock clock;
    private final Refusals refusals = new Refusals();
    private final ServiceIdentity checks = new ServiceIdentity(CHECKS, secret());
    private final ServiceIdentity pages = new ServiceIdentity(PAGES, secret());
    private final String notifySecret = secret();
    private volatile TokenIssuer issuer;
    private Server server;
    private int port;

    /**
     * @param keyDir where the signing key and certificate are kept (made on the first start)
     * @param directory who may log in, and what is known of repositories
     */
    public TokenService(Path keyDir, Directory directory, Clock clock) {
        this.keyDir = keyDir.toAbsolutePath().normalize();
        this.directory = directory;
        this.clock = clock;
    }

    /**
     * Reads or makes the signing key and starts listening on 127.0.0.1.
     *
     * @throws IllegalStateException with one line when the key cannot be used or the listener cannot start
     */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        SigningKey key = SigningKey.loadOrCreate(keyDir, clock);
        key.notice().ifPresent(notice -> LOG.warn("{}", notice));
        issuer = new TokenIssuer(key, ISSUER, SERVICE, clock);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("registry-tokens");
        threads.setDaemon(true);
        Server started = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16 * 1024);
        ServerConnector connector = new ServerConnector(started, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // A client that stops sending mid-request lets go of its thread soon.
        connector.setIdleTimeout(10_000);
        started.addConnector(connector);
        started.setHandler(new Listener());
        started.setErrorHandler(new JsonErrors());
        started.setStopTimeout(1_000);
        try {
            started.start();
        } catch (Exception e) {
            try {
                started.stop();
            } catch (Exception ignored) {
                // it did not start
            }
            throw new IllegalStateException("the registry's token service cannot listen on 127.0.0.1: "
                    + e.getMessage(), e);
        }
        port = connector.getLocalPort();
        server = started;
    }

    /** Where the registry sends clients for a token. */
    public String realm() {
        return "http://127.0.0.1:" + port + "/token";
    }

    /** Where the registry reports pushes and deletions, and the bearer secret it must send. */
    public String notifyUrl() {
        return "http://127.0.0.1:" + port + "/notify";
    }

    public String notifySecret() {
        return notifySecret;
    }

    /** The certificate the registry trusts tokens by (its {@code rootcertbundle}). */
    public Path rootCertBundle() {
        return issuer().key().certificateFile();
    }

    /** Why tokens issued before this start no longer work, when the signing key changed. */
    public Optional<String> keyNotice() {
        return issuer().key().notice();
    }

    /** The checks' identity: it may pull every repository, and nothing else. */
    public ServiceIdentity checks() {
        return checks;
    }

    /** The repository pages' identity: it may pull and delete in every repository, and list them all. */
    public ServiceIdentity pages() {
        return pages;
    }

    /** A token that opens nothing but {@code /v2/}: only the registry that trusts dockstep's key accepts it. */
    public String probeToken() {
        return issuer().issue("dockstep-health", List.of()).token();
    }

    /** What the token server refused a learner from {@code since} on, oldest first. */
    public List<Refusal> refusals(String learner, Instant since) {
        return refusals.since(learner, since);
    }

    private TokenIssuer issuer() {
        TokenIssuer current = issuer;
        if (current == null) {
            throw new IllegalStateException("the registry's token service has not started");
        }
        return current;
    }

    /** An answer of the token endpoint: a status and a JSON body. */
    record Answer(int status, Map<String, Object> body) {
        static Answer error(int status, String code, String message) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", code);
            error.put("message", message);
            return new Answer(status, Map.of("errors", List.of(error)));
        }
    }

    /**
     * {@code GET /token}: checks the basic credentials, if any, decides each {@code scope} and
     * signs a token for what was allowed.
     *
     * @param authorization the request's {@code Authorization} header, or null
     * @param rawQuery the query string as sent (still percent-encoded), or null
     */
    Answer token(String authorization, String rawQuery) {
        Map<String, List<String>> query;
        try {
            query = parseQuery(rawQuery);
        } catch (IllegalArgumentException e) {
            return Answer.error(400, "INVALID_REQUEST", e.getMessage());
        }
        List<String> service = query.getOrDefault("service", List.of());
        if (!service.isEmpty() && !service.get(0).equals(SERVICE)) {
            return Answer.error(400, "INVALID_REQUEST", "this token service issues tokens for the service "
                    + SERVICE + ", not '" + clip(service.get(0)) + "'");
        }
        List<Access> asked = new ArrayList<>();
        List<String> scopes = query.getOrDefault("scope", List.of());
        if (scopes.size() > MAX_SCOPES) {
            return Answer.error(400, "INVALID_REQUEST", "a token request may name at most " + MAX_SCOPES
                    + " scopes; this one names " + scopes.size());
        }
        for (String scope : scopes) {
            for (String one : scope.split(" ")) {
                if (one.isEmpty()) {
                    continue;
                }
                Optional<Access> access = Access.parse(one);
                if (access.isEmpty()) {
                    return Answer.error(400, "INVALID_REQUEST", "the scope '" + clip(one)
                            + "' is not of the form type:name:actions, such as repository:alice/app:pull");
                }
                asked.add(access.get());
            }
        }
        Principal principal;
        Optional<Credentials> credentials;
        try {
            credentials = basic(authorization);
        } catch (IllegalArgumentException e) {
            return Answer.error(400, "INVALID_REQUEST", e.getMessage());
        }
        if (credentials.isEmpty()) {
            principal = new Principal.Anonymous();
        } else {
            Directory.Login login = login(credentials.get());
            if (login instanceof Directory.Login.Refused refused) {
                if (looksLikeName(credentials.get().user())) {
                    refusals.add(credentials.get().user(), new Refusal(clock.instant(), "login", null, refused.reason()));
                }
                return Answer.error(401, "UNAUTHORIZED", refused.reason());
            }
            principal = ((Directory.Login.Accepted) login).principal();
        }
        List<Access> granted = new ArrayList<>();
        for (Access access : asked) {
            Optional<RepositoryState> known = access.type().equals("repository")
                    && AccessRules.isRepositoryName(access.name()) ? directory.repository(access.name()) : Optional.empty();
            AccessRules.Decision decision = AccessRules.decide(principal, access, known);
            if (known.isEmpty() && decision.granted().actions().contains("push")
                    && !directory.created(access.name(), AccessRules.owner(access.name()).orElseThrow())) {
                java.util.Set<String> without = new java.util.LinkedHashSet<>(decision.granted().actions());
                without.remove("push");
                decision = new AccessRules.Decision(access.granting(without), Optional.of(new AccessRules.Denial("push",
                        "you have as many repositories as one learner may have; push to one you already have")));
            }
            if (principal instanceof Principal.Learner learner && decision.denial().isPresent()) {
                refusals.add(learner.name(), new Refusal(clock.instant(), decision.denial().get().action(),
                        access.name(), decision.denial().get().reason()));
            }
            granted.add(decision.granted());
        }
        TokenIssuer.Issued issued = issuer().issue(principal.subject(), granted);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("access_token", issued.token());
        body.put("expires_in", TokenIssuer.LIFETIME.toSeconds());
        body.put("issued_at", issued.at().toString());
        return new Answer(200, body);
    }

    private Directory.Login login(Credentials credentials) {
        for (ServiceIdentity identity : List.of(checks, pages)) {
            if (identity.user().equals(credentials.user())) {
                boolean right = MessageDigest.isEqual(identity.secret().getBytes(StandardCharsets.UTF_8),
                        credentials.secret().getBytes(StandardCharsets.UTF_8));
                return right ? new Directory.Login.Accepted(new Principal.Service(identity.user(), identity == pages))
                        : new Directory.Login.Refused("incorrect username or password");
            }
        }
        return directory.login(credentials.user(), credentials.secret());
    }

    /** {@code POST /notify}: the registry's events; pushed tags and deleted manifests go to the directory. */
    void notifications(byte[] body) throws IOException {
        JsonNode envelope = JSON.readTree(body);
        for (JsonNode event : envelope.path("events")) {
            JsonNode target = event.path("target");
            String repository = target.path("repository").asText("");
            String digest = target.path("digest").asText("");
            if (!AccessRules.isRepositoryName(repository) || digest.isEmpty()) {
                continue;
            }
            switch (event.path("action").asText("")) {
                case "push" -> {
                    String tag = target.path("tag").asText("");
                    // A manifest (or index) with a tag; layers come as their own pushes, without one.
                    if (!tag.isEmpty()) {
                        directory.pushed(repository, tag, digest, time(event.path("timestamp").asText("")));
                    }
                }
                case "delete" -> directory.deleted(repository, digest);
                default -> {
                    // pulls and mounts change nothing the pages show
                }
            }
        }
    }

    private Instant time(String timestamp) {
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return clock.instant();
        }
    }

    private record Credentials(String user, String secret) {
        @Override
        public String toString() {
            return "Credentials[" + user + ", secret hidden]";
        }
    }

    private static Optional<Credentials> basic(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        if (authorization.length() > 4096 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new IllegalArgumentException("the Authorization header must hold Basic credentials");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Authorization header's Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("the Authorization header's Basic credentials hold no ':'");
        }
        return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        if (raw.length() > MAX_QUERY) {
            throw new IllegalArgumentException("the query is longer than " + MAX_QUERY + " characters");
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                query.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the query holds a badly encoded value: " + clip(pair));
            }
        }
        return query;
    }

    private static boolean looksLikeName(String user) {
        return !user.isEmpty() && user.length() <= 64 && user.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9');
    }

    private static String clip(String text) {
        String printable = text.codePoints().filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stops listening; the key stays in its folder for the next start. */
    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("the registry's token service did not stop cleanly: {}", e.getMessage());
            }
            server = null;
        }
    }

    /** Requests too broken to reach the listener (a bad request line, say) are answered in the same one-line JSON. */
    private static final class JsonErrors extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body(code, message)), callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            return ByteBuffer.wrap(body(status, reason));
        }

        private static byte[] body(int code, String message) {
            String text = message == null || message.isBlank() ? "the request could not be read" : message;
            try {
                return JSON.writeValueAsBytes(Answer.error(code, "INVALID_REQUEST", clip(text)).body());
            } catch (IOException e) {
                return "{}".getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    /** The HTTP side: three routes, every answer one JSON line, never a stack trace. */
    private final class Listener extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Answer answer;
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            try {
                if (path.equals("/token") && method.equals("GET")) {
                    answer = token(request.getHeaders().get(HttpHeader.AUTHORIZATION), request.getHttpURI().getQuery());
                } else if (path.equals("/token")) {
                    answer = Answer.error(405, "UNSUPPORTED", "ask for a token with GET and basic credentials");
                } else if (path.equals("/notify") && method.equals("POST")) {
                    answer = notify(request);
                } else {
                    answer = Answer.error(404, "NOT_FOUND", "this is the registry's token service; ask GET /token");
                }
            } catch (RuntimeException e) {
                // A directory that cannot answer (its database is down): the client may try again.
                LOG.warn("the registry's token service could not answer {} {}: {}", method, path, e.toString());
                answer = Answer.error(503, "UNAVAILABLE", "the token service cannot answer now; try again in a moment");
            }
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(answer.body());
            } catch (IOException e) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            }
            response.setStatus(answer.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if (answer.status() == 401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + SERVICE + "\"");
            }
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }

        private Answer notify(Request request) {
            String expected = "Bearer " + notifySecret;
            String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (given == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    given.getBytes(StandardCharsets.UTF_8))) {
                return Answer.error(401, "UNAUTHORIZED", "only the practice registry may send notifications");
            }
            try (InputStream in = Content.Source.asInputStream(request)) {
                byte[] body = in.readNBytes(MAX_NOTIFICATION + 1);
                if (body.length > MAX_NOTIFICATION) {
                    return Answer.error(413, "TOO_LARGE", "a notification is at most " + MAX_NOTIFICATION + " bytes");
                }
                notifications(body);
                return new Answer(200, Map.of());
            } catch (IOException e) {
                return Answer.error(400, "INVALID_REQUEST", "the notification is not JSON: " + e.getMessage());
            }
        }
    }
}

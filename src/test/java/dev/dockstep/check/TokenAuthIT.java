package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dockstep.harness.Cli;
import dev.dockstep.lesson.Check;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.sandbox.PracticeRegistry;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bearer-token flow of Docker Hub, against a real docker-registry configured for token auth.
 * The token endpoint is the test's own: it signs JWTs with a certificate the registry trusts.
 */
class TokenAuthIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();
    private static final String SERVICE = "dockstep-test";
    private static final String ISSUER = "dockstep-test-issuer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpServer tokens;
    private static PracticeRegistry registry;
    private static KeyPair key;
    private static X509Certificate certificate;
    private static String address;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair();
        X500Name name = new X500Name("CN=dockstep test token issuer");
        certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)),
                name, key.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
        Path bundle = docker.folder("token").resolve("root.pem");
        Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");

        tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokens.createContext("/token", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (RealDocker.USER + ":" + RealDocker.PASSWORD).getBytes(StandardCharsets.UTF_8));
            byte[] body;
            if (!expected.equals(auth)) {
                body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(401, body.length);
            } else {
                body = JSON.writeValueAsBytes(Map.of("token", token(scopes(exchange.getRequestURI().getRawQuery()))));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
            }
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        tokens.start();
        int port = Ports.free();
        registry = PracticeRegistry.startWithTokenAuth(docker.folder("token-registry"), "docker-registry", port,
                Duration.ofSeconds(30), "http://127.0.0.1:" + tokens.getAddress().getPort() + "/token", SERVICE, ISSUER,
                bundle);
        address = registry.address();
        docker.image("backend:0.1");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (tokens != null) {
            tokens.stop(0);
        }
    }

    @Test
    void without_credentials_the_token_service_refuses_and_the_verdict_says_so() throws Exception {
        RegistryClient anonymous = new RegistryClient(host -> Optional.empty(), Duration.ofSeconds(5));
        RegistryUnavailable e = assertThrows(RegistryUnavailable.class,
                () -> anonymous.manifestDigest(ImageRef.parse(address + "/learner/backend:0.1")));
        assertEquals("the token service of " + address + " answered HTTP 401", e.getMessage());
    }

    @Test
    void a_token_opens_the_registry_and_the_pushed_check_passes_after_a_real_push() throws Exception {
        RegistryClient client = new RegistryClient(
                host -> Optional.of(new Credentials(RealDocker.USER, RealDocker.PASSWORD)), Duration.ofSeconds(5));
        String ref = address + "/learner/backend:0.1";
        assertEquals(Optional.empty(), client.manifestDigest(ImageRef.parse(ref)), "a valid token; no such tag yet");

        Cli.Result login = Cli.run(List.of("docker", "login", address, "-u", RealDocker.USER, "--password-stdin"),
                Map.of("DOCKER_HOST", docker.dockerHost(), "DOCKER_CONFIG", docker.dockerConfig().toString()),
                RealDocker.PASSWORD);
        assertEquals(0, login.exitCode(), login.output());
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        docker.docker("push", ref).requireSuccess();

        String digest = client.manifestDigest(ImageRef.parse(ref)).orElseThrow();
        assertTrue(digest.startsWith("sha256:"), digest);
        try (DockerFacts facts = new DockerFacts(docker.dockerHost(), Duration.ofSeconds(5))) {
            StepVerdict step = new Verifier(Duration.ofSeconds(5), 2).verify(
                    List.of(new Check("pushed", List.of(ref), 1), new Check("logged-in", List.of(address), 2)),
                    Function.identity(), new CheckContext(facts, client, docker.dockerConfig(), Instant.EPOCH));
            for (CheckResult result : step.results()) {
                assertInstanceOf(Verdict.Passed.class, result.verdict(), result.verdict().reason());
            }
        }
    }

    /** {@code scope=repository:learner/backend:pull,push} as the registry's access claims. */
    private static List<Map<String, Object>> scopes(String query) {
        List<Map<String, Object>> access = new ArrayList<>();
        if (query == null) {
            return access;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("scope=")) {
                String[] parts = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8).split(":");
                if (parts.length == 3) {
                    access.add(Map.of("type", parts[0], "name", parts[1], "actions", List.of(parts[2].split(","))));
                }
            }
        }
        return access;
    }

    private static String token(List<Map<String, Object>> access) {
        try {
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            long now = Instant.now().getEpochSecond();
            String header = url.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT",
                    "x5c", List.of(Base64.getEncoder().encodeToString(certificate.getEncoded())))));
            String claims = url.encodeToString(JSON.writeValueAsBytes(Map.of("iss", ISSUER, "sub", RealDocker.USER,
                    "aud", SERVICE, "exp", now + 300, "nbf", now - 10, "iat", now, "jti", UUID.randomUUID().toString(),
                    "access", access)));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key.getPrivate());
            signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + url.encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.dockstep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.sandbox.Ports;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench registry}: what signing in to the practice registry costs now that dockstep is its
 * token server. {@code docker login} with a password and with an access token, end to end
 * through the real CLI and daemon; one token request as the daemon makes it before a push; and
 * the first token request of a learner, which pays for the bcrypt comparison that later ones are
 * spared for a minute.
 */
final class RegistryBench {
    static final int LOGINS = 30;
    static final int REQUESTS = 300;
    static final int WARMUP = 30;
    static final int FIRST_LOGINS = 10;

    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();

    RegistryBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path dir) throws Exception {
        out.println("registry: starting dockstep …");
        Path lessons = Files.createDirectories(dir.resolve("lessons/bench"));
        Files.writeString(lessons.resolve("index.md"), "---\ntitle: Bench\n---\n");
        Files.writeString(lessons.resolve("01-login.md"), "---\ntitle: Login\n---\n## Log in\n```check\nlogged-in"
                + " {{registry}}\n```\n");
        Config config = Config.defaults().withDirs(dir.resolve("data"), dir.resolve("lessons")).withPorts(0, Ports.free())
                .withSandbox(Config.SandboxMode.SHARED);
        App app = App.create(config, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
        app.start();
        try {
            String base = "http://localhost:" + app.port();
            String realm = app.sandboxes().registry().tokens().orElseThrow().realm();
            var sandbox = app.sharedSandbox().orElseThrow();
            Map<String, String> env = Map.of("DOCKER_HOST", sandbox.dockerHost(),
                    "DOCKER_CONFIG", sandbox.dockerConfig().toString());
            String user = "benchlearner";
            String password = "bench-password";
            HttpClient web = signUp(base, user, password);
            String token = json.readTree(web.send(HttpRequest.newBuilder(URI.create(base + "/api/tokens"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"description\":\"bench\",\"scope\":\"read-write\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("token").asText();

            out.printf("registry: %d docker logins with the password, %d with an access token …%n", LOGINS, LOGINS);
            Stats loginPassword = logins(env, sandbox.registry(), user, password);
            Stats loginToken = logins(env, sandbox.registry(), user, token);

            out.printf("registry: %d token requests, as the daemon makes them before a push …%n", REQUESTS);
            String scope = "repository:" + user + "/backend:pull,push";
            HttpClient http = HttpClient.newHttpClient();
            Stats requestPassword = requests(http, realm, scope, user, password);
            Stats requestToken = requests(http, realm, scope, user, token);

            out.printf("registry: %d first token requests of new learners (a bcrypt each) …%n", FIRST_LOGINS);
            List<Long> first = new ArrayList<>();
            for (int i = 0; i < FIRST_LOGINS; i++) {
                String name = "benchfirst" + i;
                signUp(base, name, password);
                long start = System.nanoTime();
                require(request(http, realm, "repository:" + name + "/backend:pull,push", name, password));
                first.add(System.nanoTime() - start);
            }
            Stats firstRequest = Stats.of(first);

            out.printf("%n  %-44s %s%n", "docker login, password", loginPassword);
            out.printf("  %-44s %s%n", "docker login, access token", loginToken);
            out.printf("  %-44s %s%n", "token request, password (remembered)", requestPassword);
            out.printf("  %-44s %s%n", "token request, access token", requestToken);
            out.printf("  %-44s %s%n%n", "token request, first of a learner (bcrypt)", firstRequest);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("loginPassword", loginPassword);
            results.put("loginAccessToken", loginToken);
            results.put("tokenRequestPassword", requestPassword);
            results.put("tokenRequestAccessToken", requestToken);
            results.put("tokenRequestFirst", firstRequest);
            return results;
        } finally {
            app.stop();
        }
    }

    private Stats logins(Map<String, String> env, String registry, String user, String secret) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < LOGINS + 3; i++) {
            long start = System.nanoTime();
            ChecksBench.shell(env, secret, "docker", "login", registry, "-u", user, "--password-stdin");
            if (i >= 3) {
                times.add(System.nanoTime() - start);
            }
        }
        return Stats.of(times);
    }

    private static Stats requests(HttpClient http, String realm, String scope, String user, String secret)
            throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < WARMUP + REQUESTS; i++) {
            long start = System.nanoTime();
            require(request(http, realm, scope, user, secret));
            if (i >= WARMUP) {
                times.add(System.nanoTime() - start);
            }
        }
        return Stats.of(times);
    }

    private static int request(HttpClient http, String realm, String scope, String user, String secret) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(realm + "?service=dockstep-registry&scope=" + scope))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret)
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void require(int status) {
        if (status != 200) {
            throw new IllegalStateException("the token endpoint answered " + status);
        }
    }

    private static HttpClient signUp(String base, String user, String password) throws Exception {
        HttpClient web = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        int status = web.send(HttpRequest.newBuilder(URI.create(base + "/api/signup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password
                        + "\"}")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException("sign-up of " + user + " answered " + status);
        }
        return web;
    }
}

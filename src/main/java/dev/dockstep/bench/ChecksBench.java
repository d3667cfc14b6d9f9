package dev.dockstep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.lesson.Check;
import dev.dockstep.check.CheckContext;
import dev.dockstep.check.Credentials;
import dev.dockstep.check.DockerFacts;
import dev.dockstep.check.RegistryClient;
import dev.dockstep.check.StepVerdict;
import dev.dockstep.check.Verifier;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.sandbox.LocalSandbox;
import dev.dockstep.sandbox.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code bench checks}: how long a push step's verdict takes, against the floor of fetching the
 * same facts raw in the same run; and how long after {@code docker push} exits its
 * {@code step-passed} event reaches an HTTP client.
 */
final class ChecksBench {
    static final int RUNS = 500;
    static final int WARMUP = 50;
    static final int PUSHES = 50;
    private static final String USER = "learner";
    private static final String PASSWORD = "bench-password";

    private final PrintStream out;

    ChecksBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path work) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        results.putAll(verdictAgainstFloor(work.resolve("verdict")));
        results.putAll(live(work.resolve("live")));
        return results;
    }

    private Map<String, Object> verdictAgainstFloor(Path dir) throws Exception {
        out.println("checks: starting a sandbox …");
        try (LocalSandbox sandbox = LocalSandbox.throwaway(dir, new MemoryDirectory().learner(USER, PASSWORD))) {
            sandbox.start();
            sandbox.seed(List.of("backend:0.1"));
            String registry = sandbox.info().registry();
            String ref = registry + "/" + USER + "/backend:0.1";
            Map<String, String> env = Map.of("DOCKER_HOST", sandbox.info().dockerHost(),
                    "DOCKER_CONFIG", sandbox.info().dockerConfig().toString());
            shell(env, PASSWORD, "docker", "login", registry, "-u", USER, "--password-stdin");
            shell(env, null, "docker", "tag", "backend:0.1", ref);
            shell(env, null, "docker", "push", ref);

            List<Check> step = List.of(new Check("logged-in", List.of(registry), 1), new Check("image", List.of(ref), 2),
                    new Check("pushed", List.of(ref), 3));
            List<Long> verdicts = new ArrayList<>();
            try (DockerFacts facts = new DockerFacts(sandbox.info().dockerHost(), Duration.ofSeconds(5))) {
                Credentials service = sandbox.checksIdentity().map(a -> new Credentials(a.user(), a.secret())).orElseThrow();
                RegistryClient client = new RegistryClient(host -> Optional.of(service), Duration.ofSeconds(5));
                CheckContext context = new CheckContext(facts, client, sandbox.info().dockerConfig(), Instant.EPOCH);
                Verifier verifier = new Verifier(Duration.ofSeconds(5), 16);
                out.printf("checks: %d verdicts of a push step (logged-in + image + pushed) …%n", RUNS);
                for (int i = 0; i < WARMUP + RUNS; i++) {
                    long start = System.nanoTime();
                    StepVerdict verdict = verifier.verify(step, Function.identity(), context);
                    long took = System.nanoTime() - start;
                    if (!verdict.passed()) {
                        throw new IllegalStateException("the push step did not pass: " + verdict);
                    }
                    if (i >= WARMUP) {
                        verdicts.add(took);
                    }
                }
            }

            out.printf("checks: %d raw fetches of the same facts (the floor) …%n", RUNS);
            // The floor is the strict one: our verdict remembers a login the registry accepted in
            // the last 30 s, so the raw side skips POST /auth too. Its cost is reported apart. And
            // it asks the token server once for a token, as our client keeps one for minutes.
            List<Long> floor = new ArrayList<>();
            List<Long> auth = new ArrayList<>();
            String authBody = new ObjectMapper().writeValueAsString(Map.of("username", USER, "password", PASSWORD,
                    "serveraddress", registry));
            Credentials service = sandbox.checksIdentity().map(a -> new Credentials(a.user(), a.secret())).orElseThrow();
            HttpClient http = HttpClient.newHttpClient();
            String realm = sandbox.registry().tokens().orElseThrow().realm();
            String bearer = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(realm
                            + "?service=dockstep-registry&scope=repository:" + USER + "/backend:pull"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (service.username() + ":" + service.secret()).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("token").asText();
            HttpRequest manifest = HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + USER
                            + "/backend/manifests/0.1"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                            + "application/vnd.oci.image.manifest.v1+json")
                    .header("Authorization", "Bearer " + bearer)
                    .build();
            String inspect = "/images/" + URLEncoder.encode(ref, StandardCharsets.UTF_8) + "/json";
            try (RawDocker raw = new RawDocker(Path.of(sandbox.info().dockerHost().substring("unix://".length())))) {
                for (int i = 0; i < WARMUP + RUNS; i++) {
                    long start = System.nanoTime();
                    require(raw.request("GET", inspect, null), "GET " + inspect);
                    require(http.send(manifest, HttpResponse.BodyHandlers.discarding()).statusCode(), "HEAD manifest");
                    long took = System.nanoTime() - start;
                    if (i >= WARMUP) {
                        floor.add(took);
                    }
                }
                for (int i = 0; i < 20; i++) {
                    long start = System.nanoTime();
                    require(raw.request("POST", "/auth", authBody), "POST /auth");
                    auth.add(System.nanoTime() - start);
                }
            }
            Stats ours = Stats.of(verdicts);
            Stats raw = Stats.of(floor);
            double ratio = Math.round(ours.p50() / raw.p50() * 100) / 100.0;
            out.printf("%n  %-34s %s%n", "verdict (push step)", ours);
            out.printf("  %-34s %s%n", "floor (raw inspect + manifest HEAD)", raw);
            out.println("  (both under token auth: dockstep signs the registry's tokens)");
            out.printf("  %-34s %.2f x the floor (target <= 2.00)%n", "verdict p50", ratio);
            out.printf("  %-34s %s%n%n", "one login validation (POST /auth)", Stats.of(auth));
            return Map.of("verdict", ours, "floor", raw, "verdictP50OverFloor", ratio, "loginValidation", Stats.of(auth));
        }
    }

    private Map<String, Object> live(Path dir) throws Exception {
        out.println("checks: live latency, starting dockstep …");
        Path lessons = Files.createDirectories(dir.resolve("lessons/bench"));
        Files.writeString(lessons.resolve("index.md"), "---\ntitle: Bench\n---\n");
        StringBuilder lesson = new StringBuilder("---\ntitle: Push\nsetup:\n  images: [backend:0.1]\n---\n");
        for (int i = 0; i < PUSHES + 1; i++) {
            lesson.append("## Push ").append(i).append("\n```check\nlogged-in {{registry}}\nimage {{repo}}/bench:")
                    .append(i).append("\npushed {{repo}}/bench:").append(i).append("\n```\n");
        }
        Files.writeString(lessons.resolve("01-push.md"), lesson.toString());
        Config config = Config.defaults().withDirs(dir.resolve("data"), dir.resolve("lessons")).withPorts(0, Ports.free())
                .withSandbox(Config.SandboxMode.SHARED);
        App app = App.create(config, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
        app.start();
        try {
            String base = "http://localhost:" + app.port();
            java.net.CookieManager cookies = new java.net.CookieManager();
            HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/signup"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + USER + "\",\"password\":\""
                            + PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.discarding());
            String session = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("dockstep_session"))
                    .map(c -> c.getName() + "=" + c.getValue()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("sign-up gave no session"));
            var sandbox = app.sharedSandbox().orElseThrow();
            Map<String, String> env = Map.of("DOCKER_HOST", sandbox.dockerHost(),
                    "DOCKER_CONFIG", sandbox.dockerConfig().toString());
            String repo = sandbox.registry() + "/" + USER;
            shell(env, PASSWORD, "docker", "login", sandbox.registry(), "-u", USER, "--password-stdin");
            BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
            Thread reader = follow(base + "/events?course=bench&lesson=push", session, arrivals);
            Thread.sleep(300);
            // Step 0 warms the path; steps 1..PUSHES are measured.
            List<Long> latencies = new ArrayList<>();
            out.printf("checks: %d pushes, each timed from the CLI's exit to step-passed …%n", PUSHES);
            for (int i = 0; i <= PUSHES; i++) {
                shell(env, null, "docker", "tag", "backend:0.1", repo + "/bench:" + i);
                arrivals.clear();
                shell(env, null, "docker", "push", repo + "/bench:" + i);
                long exited = System.nanoTime();
                Long arrived = arrivals.poll(10, TimeUnit.SECONDS);
                if (arrived == null) {
                    throw new IllegalStateException("no step-passed for push " + i + " within 10 s");
                }
                if (i > 0) {
                    latencies.add(Math.max(0, arrived - exited));
                }
            }
            reader.interrupt();
            Stats live = Stats.of(latencies);
            out.printf("%n  %-34s %s (target p95 <= 100 ms)%n%n", "live (push exit -> SSE)", live);
            return Map.of("live", live);
        } finally {
            app.stop();
        }
    }

    /** An SSE client that notes when each step-passed arrives. */
    private static Thread follow(String url, String cookie, BlockingQueue<Long> arrivals) {
        Thread thread = new Thread(() -> {
            try {
                HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                                .header("Cookie", cookie).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.equals("event: step-passed")) {
                            arrivals.add(System.nanoTime());
                        }
                    }
                }
            } catch (Exception e) {
                // the stream ended
            }
        }, "bench-sse");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void require(int status, String what) {
        if (status >= 300) {
            throw new IllegalStateException(what + " answered " + status);
        }
    }

    static void shell(Map<String, String> env, String stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
        }
    }
}

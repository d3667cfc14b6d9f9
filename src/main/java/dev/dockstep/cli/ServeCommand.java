package dev.dockstep.cli;

import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.web.Limits;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dockstep serve}: starts the sandbox and serves the lessons until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the lessons, with the practice registry and a Docker sandbox for each learner."
                + " Ctrl-C stops everything it started.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE})", defaultValue = "7070")
    int port;

    @Option(names = "--host", description = "address to listen on (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--data", description = "folder for progress, the managed daemon and the registry (default: ${DEFAULT-VALUE})",
            defaultValue = "data")
    Path data;

    @Option(names = "--lessons", description = "lessons folder, one sub-folder per course (default: ${DEFAULT-VALUE})",
            defaultValue = "lessons")
    Path lessons;

    @Option(names = "--sandbox", paramLabel = "MODE", converter = SandboxModeConverter.class,
            description = "per-learner: a rootless dockerd of their own for each learner (needs root); shared: one"
                    + " private dockerd for one person on their own machine; host: use DOCKER_HOST or the default"
                    + " socket (default: ${DEFAULT-VALUE})", defaultValue = "per-learner")
    Config.SandboxMode sandbox;

    @Option(names = "--max-sandboxes", paramLabel = "N",
            description = "per-learner sandboxes that may run at once (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int maxSandboxes;

    @Option(names = "--sandbox-pool", paramLabel = "N",
            description = "per-learner sandboxes started ahead, so that a new learner waits less (default: ${DEFAULT-VALUE})",
            defaultValue = "2")
    int sandboxPool;

    @Option(names = "--sandbox-idle", paramLabel = "MINUTES",
            description = "stop a learner's sandbox after this many minutes with no page, terminal or command; its"
                    + " images are kept (default: ${DEFAULT-VALUE})", defaultValue = "30")
    long sandboxIdleMinutes;

    @Option(names = "--registry-port", description = "practice registry port on 127.0.0.1 (default: ${DEFAULT-VALUE})",
            defaultValue = "5000")
    int registryPort;

    @Option(names = "--company-registry-port", description = "the second practice registry's port on 127.0.0.1, for"
            + " lessons that ask for a company registry (default: ${DEFAULT-VALUE})", defaultValue = "5001")
    int companyRegistryPort;

    @Option(names = "--check-timeout", description = "how long one check may take, in ms (default: ${DEFAULT-VALUE})",
            defaultValue = "5000")
    long checkTimeoutMs;

    @Option(names = "--watch", description = "load lesson files again when they change, and refresh open pages")
    boolean watch;

    /** Where learners push: dockstep's practice registry, or real Docker Hub. */
    enum Registry { practice, hub }

    @Option(names = "--registry", paramLabel = "practice|hub", description = "practice: dockstep's own registry;"
            + " hub: real Docker Hub, where each learner signs up with their Docker Hub name and dockstep stores no"
            + " Docker Hub password (default: ${DEFAULT-VALUE})", defaultValue = "practice")
    Registry registry;

    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "keep progress in PostgreSQL (jdbc:postgresql://HOST/DB?user=…) instead of data/progress.db")
    String database;

    @Option(names = "--public-url", paramLabel = "URL", description = "the address learners type, such as"
            + " https://class.example.org/; without it only localhost names and IP addresses are served")
    String publicUrl;

    @Option(names = "--signups-per-hour", paramLabel = "N", defaultValue = "300",
            description = "accounts one address may make in an hour, all at once if it likes (default: ${DEFAULT-VALUE})")
    int signUpsPerHour;

    @Option(names = "--checks-per-second", paramLabel = "N", defaultValue = "50",
            description = "checks one learner may ask for each second (default: ${DEFAULT-VALUE})")
    int checksPerSecond;

    @Option(names = "--streams-per-learner", paramLabel = "N", defaultValue = "20",
            description = "live pages one learner (or one address, signed out) may hold open (default: ${DEFAULT-VALUE})")
    int streamsPerLearner;

    @Option(names = "--max-streams", paramLabel = "N", defaultValue = "2000",
            description = "live pages the whole server holds open (default: ${DEFAULT-VALUE})")
    int maxStreams;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "a connection that sends and receives nothing this long during a request is cut off"
                    + " (default: ${DEFAULT-VALUE})")
    int idleTimeoutSeconds;

    @Option(names = "--min-request-rate", paramLabel = "BYTES", defaultValue = "1024",
            description = "a request body that arrives slower than this many bytes a second, after its first"
                    + " second, is cut off"
                    + " (default: ${DEFAULT-VALUE})")
    long minRequestRate;

    @Option(names = "--dockerd-binary", hidden = true, defaultValue = "dockerd")
    String dockerdBinary;

    @Option(names = "--registry-binary", hidden = true, defaultValue = "docker-registry")
    String registryBinary;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535 || registryPort < 1 || registryPort > 65535
                || companyRegistryPort < 1 || companyRegistryPort > 65535) {
            throw new IllegalArgumentException("ports must be between 1 and 65535");
        }
        if (companyRegistryPort == registryPort) {
            throw new IllegalArgumentException("--company-registry-port must differ from --registry-port");
        }
        if (maxSandboxes < 1 || sandboxPool < 0 || sandboxPool > maxSandboxes) {
            throw new IllegalArgumentException("--max-sandboxes must be at least 1, and --sandbox-pool between 0 and it");
        }
        if (sandboxIdleMinutes < 1) {
            throw new IllegalArgumentException("--sandbox-idle must be at least 1 minute");
        }
        var sandboxes = dev.dockstep.sandbox.PerLearnerSandboxes.Options.defaults().withMax(maxSandboxes)
                .withPool(sandboxPool).withIdle(Duration.ofMinutes(sandboxIdleMinutes));
        for (int limit : new int[] {signUpsPerHour, checksPerSecond, streamsPerLearner, maxStreams, idleTimeoutSeconds}) {
            if (limit < 1) {
                throw new IllegalArgumentException("--signups-per-hour, --checks-per-second, --streams-per-learner,"
                        + " --max-streams and --idle-timeout must be at least 1");
            }
        }
        Limits limits = Limits.defaults().withSignUpsPerHour(signUpsPerHour).withChecksPerSecond(checksPerSecond)
                .withStreams(streamsPerLearner, maxStreams)
                .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds), Math.max(0, minRequestRate));
        Config config = new Config(host, port, data, lessons, sandbox, registryPort, dockerdBinary, registryBinary,
                Duration.ofMillis(checkTimeoutMs), watch, database, registry == Registry.hub, sandboxes,
                publicUrl(publicUrl), limits, companyRegistryPort);
        PrintStream out = System.out;
        App app = App.launch(config, System.getenv(), out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("dockstep: stopping");
            app.stop();
            stopped.countDown();
        }, "dockstep-shutdown"));
        String shownHost = host.equals("0.0.0.0") || host.equals("127.0.0.1") ? "localhost" : host;
        out.println("dockstep is serving " + (config.publicUrl() != null ? config.publicUrl()
                : "http://" + shownHost + ":" + app.port() + "/"));
        app.sharedSandbox().ifPresentOrElse(shared -> {
            out.println("Paste these two lines into the terminal where you run docker:");
            shared.exportLines().lines().forEach(line -> out.println("  " + line));
        }, () -> out.println("Each learner who signs up gets a Docker sandbox of their own."));
        out.println("Stop with Ctrl-C.");
        stopped.await();
        return 0;
    }

    /** {@code --sandbox per-learner|shared|host}, as the help lists them. */
    static final class SandboxModeConverter implements picocli.CommandLine.ITypeConverter<Config.SandboxMode> {
        @Override
        public Config.SandboxMode convert(String value) {
            try {
                return Config.SandboxMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** An http or https address with a host and nothing after it but a slash; null when none was given. */
    static URI publicUrl(String text) {
        if (text == null) {
            return null;
        }
        URI url;
        try {
            url = new URI(text.strip());
        } catch (URISyntaxException e) {
            url = null;
        }
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                || url.getUserInfo() != null || url.getQuery() != null || url.getFragment() != null
                || !(url.getPath().isEmpty() || url.getPath().equals("/"))) {
            throw new IllegalArgumentException("--public-url must be an address such as https://class.example.org/"
                    + " (http or https, a host, an optional port, no path), not '" + text + "'");
        }
        return url;
    }
}

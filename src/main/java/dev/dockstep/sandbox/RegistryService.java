package dev.dockstep.sandbox;

import dev.dockstep.registry.token.Directory;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.registry.token.ServiceIdentity;
import dev.dockstep.registry.token.TokenService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The registry learners push to: dockstep's practice registry (a {@link PracticeRegistry} on
 * 127.0.0.1 that trusts tokens from dockstep's {@link TokenService}), or real Docker Hub, where
 * nothing runs here and no password is kept.
 */
public final class RegistryService implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final boolean dockerHub;
    private final Path dir;
    private final String binary;
    private final int port;
    private final TokenService tokens;
    private volatile PracticeRegistry registry;
    private Supervisor supervisor;

    private RegistryService(boolean dockerHub, Path dir, String binary, int port, TokenService tokens) {
        this.dockerHub = dockerHub;
        this.dir = dir == null ? null : dir.toAbsolutePath().normalize();
        this.binary = binary;
        this.port = port;
        this.tokens = tokens;
    }

    /**
     * The practice registry under {@code dir}, on {@code 127.0.0.1:port}, once {@link #start}ed;
     * its token server keeps its signing key in {@code dir/token} and asks {@code directory} who
     * may log in and what is known of repositories.
     */
    public static RegistryService practice(Path dir, String binary, int port, Directory directory) {
        Path home = dir.toAbsolutePath().normalize();
        return new RegistryService(false, home, binary, port,
                new TokenService(home.resolve("token"), directory, Clock.systemUTC()));
    }

    /** A practice registry whose learners live in memory (see {@link MemoryDirectory}): for throwaway sandboxes. */
    public static RegistryService practice(Path dir, String binary, int port) {
        return practice(dir, binary, port, new MemoryDirectory());
    }

    /** Real Docker Hub: learners push under their Docker Hub name; nothing runs here. */
    public static RegistryService hub() {
        return new RegistryService(true, null, null, 0, null);
    }

    /** Starts the token server, then the practice registry that trusts it. */
    public void start() {
        if (dockerHub) {
            return;
        }
        try {
            tokens.start();
        } catch (IllegalStateException e) {
            throw new SandboxException(e.getMessage(), e);
        }
        PracticeRegistry.TokenAuth auth = new PracticeRegistry.TokenAuth(tokens.realm(), TokenService.SERVICE,
                TokenService.ISSUER, tokens.rootCertBundle(), tokens.notifyUrl(), tokens.notifySecret());
        try {
            registry = PracticeRegistry.start(dir, binary, port, START_TIMEOUT, auth);
        } catch (RuntimeException e) {
            tokens.close();
            throw e;
        }
        supervisor = Supervisor.watch("the practice registry", () -> registry != null && registry.isAlive(),
                () -> registry = PracticeRegistry.start(dir, binary, port, START_TIMEOUT, auth), Duration.ofMillis(500));
    }

    /** True when learners push to real Docker Hub. */
    public boolean dockerHub() {
        return dockerHub;
    }

    /** The registry as learners write it in image names: {@code localhost:PORT}, or {@code docker.io}. */
    public String address() {
        return dockerHub ? "docker.io" : "localhost:" + port;
    }

    /** Its {@code /v2/} endpoint, as dockstep dials it. */
    public String apiUrl() {
        return dockerHub ? "https://registry-1.docker.io/v2/" : "http://127.0.0.1:" + port + "/v2/";
    }

    /** The practice registry's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /**
     * {@code {"status":"ok"}} when the registry answers and, for the practice registry, is the one
     * dockstep started (it accepts a token signed by dockstep's key); else {@code down} with a reason.
     */
    public Map<String, String> health() {
        if (dockerHub) {
            return Probes.registry(apiUrl(), Optional.empty());
        }
        if (registry == null) {
            return Probes.down("the practice registry is not running");
        }
        Map<String, String> probe = Probes.registry(apiUrl(), Optional.of(tokens.probeToken()));
        Optional<String> trouble = supervisor == null ? Optional.empty() : supervisor.trouble();
        if (trouble.isPresent()) {
            return Probes.down(trouble.get() + ("ok".equals(probe.get("status")) ? "" : "; " + probe.get("reason")));
        }
        return probe;
    }

    /** The practice registry's token server, once it has started; empty for Docker Hub. */
    public Optional<TokenService> tokens() {
        return dockerHub || registry == null ? Optional.empty() : Optional.of(tokens);
    }

    /** The identity dockstep's checks read the practice registry as: it may pull, nothing else. */
    public Optional<ServiceIdentity> checksIdentity() {
        return tokens().map(TokenService::checks);
    }

    /** The identity the repository pages use: it may also list the registry and delete tags. */
    public Optional<ServiceIdentity> pagesIdentity() {
        return tokens().map(TokenService::pages);
    }

    public Optional<PracticeRegistry> process() {
        return Optional.ofNullable(registry);
    }

    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close();
            supervisor = null;
        }
        PracticeRegistry running = registry;
        registry = null;
        try {
            if (running != null) {
                running.close();
            }
        } finally {
            if (tokens != null) {
                tokens.close();
            }
        }
    }
}

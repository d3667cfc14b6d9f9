package dev.dockstep.sandbox;

import dev.dockstep.common.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The registry learners push to: dockstep's practice registry (a {@link PracticeRegistry} on
 * 127.0.0.1 with an account per learner and one for dockstep's own reads), or real Docker Hub,
 * where nothing runs here and no password is kept.
 */
public final class RegistryService implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final boolean dockerHub;
    private final Path dir;
    private final String binary;
    private final int port;
    private volatile PracticeRegistry registry;
    private volatile ServiceAccount service;
    private Supervisor supervisor;

    /**
     * dockstep's own account on the practice registry, for reading manifests. Its password is
     * random, lives only in memory, and changes every start; learner names cannot contain '-'.
     */
    public record ServiceAccount(String user, String password) {
        static final String USER = "dockstep-checker";

        @Override
        public String toString() {
            return "ServiceAccount[" + user + ", password hidden]";
        }
    }

    private RegistryService(boolean dockerHub, Path dir, String binary, int port) {
        this.dockerHub = dockerHub;
        this.dir = dir == null ? null : dir.toAbsolutePath().normalize();
        this.binary = binary;
        this.port = port;
    }

    /** The practice registry under {@code dir}, on {@code 127.0.0.1:port}, once {@link #start}ed. */
    public static RegistryService practice(Path dir, String binary, int port) {
        return new RegistryService(false, dir, binary, port);
    }

    /** Real Docker Hub: learners push under their Docker Hub name; nothing runs here. */
    public static RegistryService hub() {
        return new RegistryService(true, null, null, 0);
    }

    /** Starts the practice registry and gives dockstep a fresh read account on it. */
    public void start() {
        if (dockerHub) {
            return;
        }
        PracticeRegistry started = PracticeRegistry.start(dir, binary, port, START_TIMEOUT);
        try {
            String password = Tokens.urlSafe(24);
            started.accounts().put(ServiceAccount.USER, password.toCharArray(), Htpasswd.RANDOM_SECRET_COST);
            service = new ServiceAccount(ServiceAccount.USER, password);
            registry = started;
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        // Its accounts file keeps dockstep's read account, so a restarted registry knows it too.
        supervisor = Supervisor.watch("the practice registry", () -> registry != null && registry.isAlive(),
                () -> registry = PracticeRegistry.start(dir, binary, port, START_TIMEOUT), Duration.ofMillis(500));
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
     * Sets a learner's password on the practice registry, which reads its accounts file again on
     * the next request.
     *
     * @throws SandboxException on Docker Hub, or when the registry has not started
     */
    public void setPassword(String user, char[] password) {
        if (dockerHub) {
            throw new SandboxException("no Docker Hub password is kept here; set yours on hub.docker.com");
        }
        PracticeRegistry running = registry;
        if (running == null) {
            throw new SandboxException("the practice registry is not running");
        }
        running.accounts().put(user, password);
    }

    /**
     * {@code {"status":"ok"}} when the registry answers and, for the practice registry, is the one
     * dockstep started; else {@code down} with a reason.
     */
    public java.util.Map<String, String> health() {
        if (dockerHub) {
            return Probes.registry(apiUrl(), Optional.empty());
        }
        if (registry == null) {
            return Probes.down("the practice registry is not running");
        }
        java.util.Map<String, String> probe = Probes.registry(apiUrl(), serviceAccount());
        Optional<String> trouble = supervisor == null ? Optional.empty() : supervisor.trouble();
        if (trouble.isPresent()) {
            return Probes.down(trouble.get() + ("ok".equals(probe.get("status")) ? "" : "; " + probe.get("reason")));
        }
        return probe;
    }

    /** dockstep's read account on the practice registry, once it has started. */
    public Optional<ServiceAccount> serviceAccount() {
        return Optional.ofNullable(service);
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
        if (running != null) {
            running.close();
        }
    }
}

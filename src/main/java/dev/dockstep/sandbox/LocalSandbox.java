package dev.dockstep.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker and practice registry that every learner of this server shares today: either a
 * managed dockerd under the data folder, or the host's own Docker. Later a classroom gives each
 * learner their own; callers already ask for "the learner's sandbox".
 */
public final class LocalSandbox implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final boolean managed;
    private final boolean dockerHub;
    private final Path dataDir;
    private final String dockerdBinary;
    private final String registryBinary;
    private final int registryPort;
    private final SandboxInfo info;
    private ManagedDaemon daemon;
    private PracticeRegistry registry;
    private volatile ServiceAccount service;

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

    /**
     * Plans the sandbox without starting anything.
     *
     * @param env the process environment, for {@code DOCKER_HOST} and {@code DOCKER_CONFIG} in host mode
     */
    public LocalSandbox(boolean managed, Path dataDir, String dockerdBinary, String registryBinary, int registryPort,
                        Map<String, String> env) {
        this(managed, false, dataDir, dockerdBinary, registryBinary, registryPort, env);
    }

    /**
     * A managed sandbox of its own under {@code dir}, with Debian's {@code dockerd} and
     * {@code docker-registry} and the registry on a free port: for test-lessons and the benchmarks.
     */
    public static LocalSandbox throwaway(Path dir) {
        return new LocalSandbox(true, dir, "dockerd", "docker-registry", Ports.free(), Map.of());
    }

    /** @param dockerHub learners push to real Docker Hub; no practice registry is started */
    public LocalSandbox(boolean managed, boolean dockerHub, Path dataDir, String dockerdBinary, String registryBinary,
                        int registryPort, Map<String, String> env) {
        this.dockerHub = dockerHub;
        this.managed = managed;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.dockerdBinary = dockerdBinary;
        this.registryBinary = registryBinary;
        this.registryPort = registryPort;
        String registryAddress = dockerHub ? "docker.io" : "localhost:" + registryPort;
        if (managed) {
            this.info = new SandboxInfo("unix://" + this.dataDir.resolve("docker/docker.sock"),
                    this.dataDir.resolve("docker-config"), registryAddress);
        } else {
            String host = Optional.ofNullable(env.get("DOCKER_HOST")).filter(s -> !s.isBlank())
                    .orElse("unix:///var/run/docker.sock");
            Path config = Optional.ofNullable(env.get("DOCKER_CONFIG")).filter(s -> !s.isBlank()).map(Path::of)
                    .orElse(Path.of(System.getProperty("user.home"), ".docker"));
            this.info = new SandboxInfo(host, config, registryAddress);
        }
    }

    /** Starts the managed daemon (in managed mode) and the practice registry. */
    public void start() {
        try {
            // The daemon and the registry start side by side; each mostly waits for its process.
            java.util.concurrent.CompletableFuture<ManagedDaemon> starting = null;
            if (managed) {
                java.nio.file.Files.createDirectories(info.dockerConfig());
                starting = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> ManagedDaemon.start(dataDir.resolve("docker"), dockerdBinary, START_TIMEOUT));
            }
            try {
                if (!dockerHub) {
                    registry = PracticeRegistry.start(dataDir.resolve("registry"), registryBinary, registryPort,
                            START_TIMEOUT);
                }
            } finally {
                if (starting != null) {
                    try {
                        daemon = starting.join();
                    } catch (java.util.concurrent.CompletionException e) {
                        throw e.getCause() instanceof RuntimeException r ? r : e;
                    }
                }
            }
            if (dockerHub) {
                return;
            }
            byte[] secret = new byte[24];
            new java.security.SecureRandom().nextBytes(secret);
            String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            registry.accounts().put(ServiceAccount.USER, password.toCharArray(), Htpasswd.RANDOM_SECRET_COST);
            service = new ServiceAccount(ServiceAccount.USER, password);
        } catch (java.io.IOException e) {
            close();
            throw new SandboxException("cannot create " + info.dockerConfig() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Makes sure the learner's Docker holds each image (made offline, never pulled).
     *
     * @throws SandboxException when Docker cannot be reached or refuses the image
     */
    public void seed(java.util.List<String> images) {
        if (images.isEmpty()) {
            return;
        }
        try (var docker = DockerClients.writable(info.dockerHost())) {
            OfflineImages.ensure(docker, images);
        } catch (java.io.IOException | RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new SandboxException("could not prepare the lesson images " + images + " in Docker at "
                    + info.dockerHost() + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage()), e);
        }
    }

    public SandboxInfo info() {
        return info;
    }

    /** True when learners push to real Docker Hub. */
    public boolean dockerHub() {
        return dockerHub;
    }

    /** The practice registry's port on 127.0.0.1. */
    public int registryPort() {
        return registryPort;
    }

    /**
     * Sets a learner's password on the practice registry, which reads its accounts file again
     * on the next request.
     *
     * @throws SandboxException when the registry has not started
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

    /** dockstep's read account on the practice registry, once it has started. */
    public Optional<ServiceAccount> serviceAccount() {
        return Optional.ofNullable(service);
    }

    public Optional<PracticeRegistry> registry() {
        return Optional.ofNullable(registry);
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }
}

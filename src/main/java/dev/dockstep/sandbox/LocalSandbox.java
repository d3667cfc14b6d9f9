package dev.dockstep.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A Docker daemon and the practice registry together: a managed dockerd under a folder of its
 * own, or the host's own Docker. The server's {@code shared} and {@code host} modes run one
 * ({@link SingleSandbox}); {@code test-lessons} and the benchmarks start throwaway ones.
 */
public final class LocalSandbox implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final boolean managed;
    private final Path dataDir;
    private final String dockerdBinary;
    private final RegistryService registry;
    private final SandboxInfo info;
    private volatile ManagedDaemon daemon;
    private Supervisor supervisor;

    /**
     * A managed sandbox of its own under {@code dir}, with Debian's {@code dockerd} and
     * {@code docker-registry} and the registry on a free port, whose learners {@code directory}
     * holds: for test-lessons and the benchmarks.
     */
    public static LocalSandbox throwaway(Path dir, dev.dockstep.registry.token.Directory directory) {
        Path home = dir.toAbsolutePath().normalize();
        return new LocalSandbox(true, home, "dockerd",
                RegistryService.practice(home.resolve("registry"), "docker-registry", Ports.free(), Ports.free(), directory),
                Map.of());
    }

    /**
     * Plans the sandbox without starting anything.
     *
     * @param registry the registry learners push to; this sandbox starts and stops it
     * @param env the process environment, for {@code DOCKER_HOST} and {@code DOCKER_CONFIG} in host mode
     */
    public LocalSandbox(boolean managed, Path dataDir, String dockerdBinary, RegistryService registry,
                        Map<String, String> env) {
        this.managed = managed;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.dockerdBinary = dockerdBinary;
        this.registry = registry;
        if (managed) {
            this.info = new SandboxInfo("unix://" + this.dataDir.resolve("docker/docker.sock"),
                    this.dataDir.resolve("docker-config"), registry.address());
        } else {
            String host = Optional.ofNullable(env.get("DOCKER_HOST")).filter(s -> !s.isBlank())
                    .orElse("unix:///var/run/docker.sock");
            Path config = Optional.ofNullable(env.get("DOCKER_CONFIG")).filter(s -> !s.isBlank()).map(Path::of)
                    .orElse(Path.of(System.getProperty("user.home"), ".docker"));
            this.info = new SandboxInfo(host, config, registry.address());
        }
    }

    /** Starts the managed daemon (in managed mode) and the practice registry, side by side. */
    public void start() {
        try {
            java.util.concurrent.CompletableFuture<ManagedDaemon> starting = null;
            if (managed) {
                java.nio.file.Files.createDirectories(info.dockerConfig());
                starting = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> ManagedDaemon.start(dataDir.resolve("docker"), dockerdBinary, START_TIMEOUT));
            }
            try {
                registry.start();
            } finally {
                if (starting != null) {
                    try {
                        daemon = starting.join();
                    } catch (java.util.concurrent.CompletionException e) {
                        throw e.getCause() instanceof RuntimeException r ? r : e;
                    }
                }
            }
            if (managed) {
                supervisor = Supervisor.watch("the managed Docker daemon", () -> daemon != null && daemon.isAlive(),
                        () -> daemon = ManagedDaemon.start(dataDir.resolve("docker"), dockerdBinary, START_TIMEOUT),
                        Duration.ofMillis(500));
            }
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
        OfflineImages.seed(info.dockerHost(), images);
    }

    public SandboxInfo info() {
        return info;
    }

    /** The registry learners push to. */
    public RegistryService registry() {
        return registry;
    }

    /** The practice registry's port on 127.0.0.1. */
    public int registryPort() {
        return registry.port();
    }

    /** The identity dockstep's checks read the practice registry as, once it has started. */
    public Optional<dev.dockstep.registry.token.ServiceIdentity> checksIdentity() {
        return registry.checksIdentity();
    }

    /** The managed daemon, while it runs. */
    Optional<ManagedDaemon> daemon() {
        return Optional.ofNullable(daemon);
    }

    /** What is wrong with the managed daemon while it is being started again, if anything. */
    Optional<String> trouble() {
        return supervisor == null ? Optional.empty() : supervisor.trouble();
    }

    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close();
            supervisor = null;
        }
        try {
            registry.close();
        } finally {
            if (daemon != null) {
                daemon.close();
                daemon = null;
            }
        }
    }
}

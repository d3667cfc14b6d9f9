package dev.dockstep.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One Docker for everyone who signs in: the {@code shared} mode's managed daemon, for a person
 * learning alone on their own machine, or the {@code host} mode's own Docker. Every learner gets
 * the same sandbox, so it is not for a classroom.
 */
public final class SingleSandbox implements SandboxProvider {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SingleSandbox.class);
    private final LocalSandbox local;
    private final boolean managed;
    private final Supplier<List<String>> setupImages;
    private final Path home;
    private final List<Consumer<String>> stopped = new CopyOnWriteArrayList<>();
    private volatile boolean started;

    private SingleSandbox(LocalSandbox local, boolean managed, Supplier<List<String>> setupImages, Path home) {
        this.local = local;
        this.managed = managed;
        this.setupImages = setupImages;
        this.home = home;
    }

    /** A managed dockerd under {@code data/docker}, with its CLI config in {@code data/docker-config}. */
    public static SingleSandbox shared(Path data, String dockerdBinary, RegistryService registry,
                                       Supplier<List<String>> setupImages) {
        Path dir = data.toAbsolutePath().normalize();
        return new SingleSandbox(new LocalSandbox(true, dir, dockerdBinary, registry, Map.of()), true, setupImages,
                dir.resolve("home"));
    }

    /** The Docker that {@code DOCKER_HOST} names (or the default socket) and the user's own CLI config. */
    public static SingleSandbox host(Map<String, String> env, RegistryService registry,
                                     Supplier<List<String>> setupImages) {
        Path home = Path.of(System.getProperty("user.home"));
        return new SingleSandbox(new LocalSandbox(false, home, "dockerd", registry, env), false, setupImages, home);
    }

    @Override
    public String mode() {
        return managed ? "shared" : "host";
    }

    /**
     * Starts the daemon (shared mode) and the registry, then loads the lessons' images. Host
     * Docker that cannot take the images only warns: the server still serves, and /healthz says why.
     */
    @Override
    public void start() {
        local.start();
        started = true;
        try {
            local.seed(setupImages.get());
        } catch (SandboxException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    @Override
    public Sandbox forLearner(String learner) {
        if (!started) {
            throw new SandboxException("the sandbox is still starting; try again in a moment");
        }
        return sandbox(learner);
    }

    @Override
    public CompletableFuture<Sandbox> prepare(String learner) {
        try {
            return CompletableFuture.completedFuture(forLearner(learner));
        } catch (SandboxException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Optional<Sandbox> ifRunning(String learner) {
        return started ? Optional.of(sandbox(learner)) : Optional.empty();
    }

    private Sandbox sandbox(String learner) {
        SandboxInfo info = local.info();
        return new Sandbox(learner, info.dockerHost(), info.dockerHost(), info.dockerConfig(), info.registry(),
                local.registry().apiUrl(), Optional.empty(), home);
    }

    @Override
    public Lease hold(String learner) {
        return () -> { };
    }

    /** Everyone shares this Docker, so no one learner may stop it. */
    @Override
    public void release(String learner) {
    }

    /** Everyone shares this Docker, so no one learner may wipe it. */
    @Override
    public Sandbox reset(String learner) {
        throw new SandboxException("this server has one Docker for everyone (--sandbox " + mode()
                + "), so it cannot be reset for one learner");
    }

    @Override
    public Map<String, Map<String, String>> health() {
        Map<String, Map<String, String>> parts = new java.util.LinkedHashMap<>();
        Map<String, String> docker = Probes.docker(local.info().dockerHost());
        parts.put("docker", local.trouble().map(trouble -> Probes.down(trouble
                + ("ok".equals(docker.get("status")) ? "" : "; " + docker.get("reason")))).orElse(docker));
        parts.put("registry", local.registry().health());
        return parts;
    }

    @Override
    public void onStopped(Consumer<String> listener) {
        stopped.add(listener);
    }

    @Override
    public RegistryService registry() {
        return local.registry();
    }

    /** The one sandbox's details, for the export lines that {@code serve} prints. */
    public SandboxInfo info() {
        return local.info();
    }

    @Override
    public void close() {
        started = false;
        try {
            local.close();
        } finally {
            stopped.forEach(listener -> listener.accept(local.info().dockerHost()));
        }
    }
}

package dev.dockstep.harness;

import dev.dockstep.sandbox.Ports;

import com.github.dockerjava.api.DockerClient;
import dev.dockstep.sandbox.DockerClients;
import dev.dockstep.sandbox.ManagedDaemon;
import dev.dockstep.sandbox.OfflineImages;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.registry.token.TokenService;
import dev.dockstep.sandbox.PracticeRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own throwaway Docker: a real dockerd (own socket, data root and exec
 * root under a temporary folder), the practice registry with dockstep's token server in front of
 * it and one learner account ({@link #USER}, {@link #PASSWORD}), and offline images. Everything
 * is stopped by PID after the class, whether its tests passed or not.
 *
 * <pre>{@code @RegisterExtension static final RealDocker docker = new RealDocker();}</pre>
 */
public final class RealDocker implements BeforeAllCallback, AfterAllCallback {
    public static final String USER = "learner";
    public static final String PASSWORD = "practice-password";
    private static final Duration START = Duration.ofSeconds(30);

    private Path dir;
    private ManagedDaemon daemon;
    private PracticeRegistry registry;
    private int registryPort;
    private final MemoryDirectory directory = new MemoryDirectory().learner(USER, PASSWORD);
    private TokenService tokens;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ds-it-");
        Files.createDirectories(dockerConfig());
        registryPort = Ports.free();
        startDaemon();
        tokens = new TokenService(dir.resolve("token"), directory, java.time.Clock.systemUTC());
        tokens.start();
        startRegistry();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            stopRegistry();
        } finally {
            try {
                if (tokens != null) {
                    tokens.close();
                }
            } finally {
                stopDaemon();
                deleteTree(dir);
            }
        }
    }

    public void startDaemon() {
        daemon = ManagedDaemon.start(dir.resolve("docker"), "dockerd", START);
    }

    /** Stops the daemon by its PID; {@link #startDaemon} brings it back on the same socket. */
    public void stopDaemon() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    public void startRegistry() {
        registry = PracticeRegistry.start(dir.resolve("registry"), "docker-registry", registryPort, START,
                new PracticeRegistry.TokenAuth(tokens.realm(), TokenService.SERVICE, TokenService.ISSUER,
                        tokens.rootCertBundle(), tokens.notifyUrl(), tokens.notifySecret()));
    }

    /** The registry's token server, whose learners are {@link #directory()}'s. */
    public TokenService tokens() {
        return tokens;
    }

    /** Who the token server lets in: {@link #USER} with {@link #PASSWORD}, and whoever a test adds. */
    public MemoryDirectory directory() {
        return directory;
    }

    public void stopRegistry() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }

    public String dockerHost() {
        return "unix://" + dir.resolve("docker/docker.sock");
    }

    /** A CLI config folder of this daemon's own, as a learner's {@code DOCKER_CONFIG}. */
    public Path dockerConfig() {
        return dir.resolve("docker-config");
    }

    public PracticeRegistry registry() {
        return registry;
    }

    /** The registry as it appears in image names: {@code localhost:PORT}. */
    public String registryAddress() {
        return "localhost:" + registryPort;
    }

    public int registryPort() {
        return registryPort;
    }

    /** A fresh folder inside this class's temporary folder. */
    public Path folder(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    /** Makes an image offline and loads it into the daemon. */
    public void image(String ref) {
        try (DockerClient docker = DockerClients.writable(dockerHost())) {
            OfflineImages.ensure(docker, ref);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the real docker CLI against this daemon, as a learner would. */
    public Cli.Result docker(String... args) {
        return Cli.docker(dockerHost(), dockerConfig(), args);
    }

    /** Best effort: a leftover file in /tmp must not fail a test that passed. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // left for the system's tmp cleaner
                }
            }
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // as above
        }
    }
}

package dev.dockstep.check;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The read-only facade through which checks see one Docker daemon. It exposes facts, never the
 * client, and its transport refuses every mutating request (see {@link ReadOnlyHttpClient}).
 */
public final class DockerFacts implements AutoCloseable {
    private final String dockerHost;
    private final Duration deadline;
    private final DockerClient docker;

    /**
     * @param dockerHost a {@code DOCKER_HOST} value such as {@code unix:///var/run/docker.sock};
     *     {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} are honoured
     * @param deadline how long one request may take
     */
    public DockerFacts(String dockerHost, Duration deadline) {
        this.dockerHost = dockerHost;
        this.deadline = deadline;
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        ApacheDockerHttpClient transport = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(32)
                .connectionTimeout(deadline)
                .responseTimeout(deadline)
                .build();
        this.docker = DockerClientImpl.getInstance(config, new ReadOnlyHttpClient(transport));
    }

    public String dockerHost() {
        return dockerHost;
    }

    /** Succeeds when the daemon answers a ping. */
    public void ping() throws DockerUnavailable {
        ask(() -> docker.pingCmd().exec());
    }

    /** The image that {@code ref} names in the daemon, if any. */
    public Optional<InspectImageResponse> image(ImageRef ref) throws DockerUnavailable {
        return ask(() -> {
            try {
                return Optional.of(docker.inspectImageCmd(ref.familiar()).exec());
            } catch (NotFoundException absent) {
                return Optional.empty();
            }
        });
    }

    /** Every image in the daemon, for explaining what is there instead. */
    public List<Image> images() throws DockerUnavailable {
        return ask(() -> docker.listImagesCmd().exec());
    }

    /** For tests in this package: the client whose transport must refuse writes. */
    DockerClient clientForTests() {
        return docker;
    }

    private <T> T ask(Supplier<T> request) throws DockerUnavailable {
        try {
            return request.get();
        } catch (ReadOnlyHttpClient.ReadOnlyViolation e) {
            throw e;
        } catch (DockerException e) {
            throw new DockerUnavailable("Docker at " + dockerHost + " refused the request: " + firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            if (rootCause(e) instanceof SocketTimeoutException) {
                throw new DockerUnavailable("Docker at " + dockerHost + " did not answer within "
                        + deadline.toMillis() + " ms", e);
            }
            throw new DockerUnavailable("Docker is not reachable at " + dockerHost + ": " + firstLine(rootCause(e).getMessage()), e);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no answer";
        }
        return message.strip().lines().findFirst().orElse(message);
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException e) {
            // closing a client whose daemon is gone has nothing left to release
        }
    }
}

package dev.dockstep.check;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.dockstep.common.Messages;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One read-only connection to a Docker daemon: a docker-java client whose transport refuses every
 * mutating request (see {@link ReadOnlyHttpClient}), and the one place that turns a failed
 * request into a {@link DockerUnavailable} a learner can read. {@link DockerImages},
 * {@link DockerLogins} and {@link DockerEvents} ask through it.
 */
final class DockerRequests implements AutoCloseable {
    private final String dockerHost;
    private final Duration deadline;
    private final DockerClient docker;
    private final AtomicLong requests = new AtomicLong();

    /**
     * @param dockerHost a {@code DOCKER_HOST} value such as {@code unix:///var/run/docker.sock};
     *     {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} are honoured
     * @param deadline how long one request may take
     */
    DockerRequests(String dockerHost, Duration deadline) {
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

    String dockerHost() {
        return dockerHost;
    }

    Duration deadline() {
        return deadline;
    }

    /** The client; only this package's classes use it, and only through {@link #ask}. */
    DockerClient client() {
        return docker;
    }

    /** How many requests went to Docker: for tests. */
    long count() {
        return requests.get();
    }

    /** Runs a request, turning any failure into a {@link DockerUnavailable} that says why. */
    <T> T ask(Supplier<T> request) throws DockerUnavailable {
        requests.incrementAndGet();
        try {
            return request.get();
        } catch (ReadOnlyHttpClient.ReadOnlyViolation e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** Why a request failed, as a learner should read it; an interruption is not Docker's fault. */
    private DockerUnavailable unavailable(RuntimeException e) {
        if (wasInterrupted(e)) {
            // The transport may have swallowed the interrupt; whoever interrupted us still wants it seen.
            Thread.currentThread().interrupt();
            return new DockerInterrupted("The check was interrupted before Docker at " + dockerHost + " answered", e);
        }
        if (e instanceof DockerException) {
            return new DockerUnavailable("Docker at " + dockerHost + " refused the request: " + Messages.firstLine(e.getMessage(), "no answer"), e);
        }
        if (Messages.rootCause(e) instanceof SocketTimeoutException) {
            return new DockerUnavailable("Docker at " + dockerHost + " did not answer within "
                    + deadline.toMillis() + " ms", e);
        }
        return new DockerUnavailable("Docker is not reachable at " + dockerHost + ": " + Messages.firstLine(Messages.rootCause(e).getMessage(), "no answer"), e);
    }

    /**
     * Whether a request ended because its thread was interrupted: the flag is still set (an
     * interruptible channel keeps it), or a cause says so (a blocking wait clears it and
     * throws). A socket timeout is an {@link InterruptedIOException} too, but a real timeout.
     */
    private static boolean wasInterrupted(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof ClosedByInterruptException
                    || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
                return true;
            }
        }
        return false;
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

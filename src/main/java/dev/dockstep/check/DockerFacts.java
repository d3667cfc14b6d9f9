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
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private static final Duration LOGIN_MEMORY = Duration.ofSeconds(30);
    private final java.util.Map<String, Instant> acceptedLogins = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Every image in the daemon, for explaining what is there instead. It only feeds the wording
     * of a failure ("images named backend: …"), never a verdict, so a list up to half a second old
     * is reused: listing every image is the costliest request a check makes.
     */
    public List<Image> images() throws DockerUnavailable {
        CachedImages cached = imageList;
        if (cached != null && System.nanoTime() - cached.at() < IMAGE_LIST_NANOS) {
            return cached.images();
        }
        List<Image> images = ask(() -> docker.listImagesCmd().exec());
        imageList = new CachedImages(images, System.nanoTime());
        return images;
    }

    private record CachedImages(List<Image> images, long at) {
    }

    private static final long IMAGE_LIST_NANOS = 500_000_000L;
    private volatile CachedImages imageList;

    /**
     * Asks the daemon to validate credentials with the registry ({@code POST /auth}, the one
     * write-shaped request the transport allows: it changes nothing).
     *
     * @return empty when the registry accepts them, else the registry's reason
     */
    public Optional<String> authenticate(String registry, Credentials credentials) throws DockerUnavailable {
        String address = registry.equals(ImageRef.DOCKER_HUB) ? DockerConfigFile.HUB_KEY : registry;
        String key = acceptedKey(registry, credentials);
        Instant accepted = acceptedLogins.get(key);
        if (accepted != null && accepted.plus(LOGIN_MEMORY).isAfter(Instant.now())) {
            return Optional.empty();
        }
        return ask(() -> {
            try {
                docker.authCmd().withAuthConfig(new AuthConfig().withRegistryAddress(address)
                        .withUsername(credentials.username()).withPassword(credentials.secret())).exec();
                acceptedLogins.put(key, Instant.now());
                return Optional.empty();
            } catch (UnauthorizedException | InternalServerErrorException e) {
                // Daemons answer 401 or 500 when the registry refuses; both carry its reason.
                return Optional.of(firstLine(e.getMessage()));
            }
        });
    }

    /**
     * Logins the registry accepted lately are remembered for a short while: each validation costs
     * the registry a bcrypt comparison, and live checks ask often. Only a hash of the credentials
     * is kept, and a refusal is never remembered.
     */
    private static String acceptedKey(String registry, Credentials credentials) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                    (registry + "\0" + credentials.username() + "\0" + credentials.secret())
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The image pulls the daemon reported since {@code since}, as the references it names. */
    public List<String> pullsSince(Instant since) throws DockerUnavailable {
        List<String> pulls = new ArrayList<>();
        Instant until = Instant.now();
        ask(() -> {
            try {
                docker.eventsCmd()
                        .withSince(seconds(since))
                        .withUntil(seconds(until))
                        .withEventTypeFilter(EventType.IMAGE)
                        .withEventFilter("pull")
                        .exec(new ResultCallback.Adapter<Event>() {
                            @Override
                            public void onNext(Event event) {
                                if (event.getId() != null) {
                                    pulls.add(event.getId());
                                }
                            }
                        }).awaitCompletion(deadline.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading Docker's events", e);
            }
        });
        return pulls;
    }

    /**
     * Follows the daemon's image events from {@code since} until the stream ends (the daemon
     * stopped, or {@link #close} was called). Returns when it ends; the caller reconnects.
     */
    public void followImageEvents(Instant since, java.util.function.Consumer<Event> onEvent) throws DockerUnavailable {
        ask(() -> {
            try (var callback = docker.eventsCmd().withSince(seconds(since)).withEventTypeFilter(EventType.IMAGE)
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event event) {
                            onEvent.accept(event);
                        }
                    })) {
                callback.awaitCompletion();
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    private static String seconds(Instant instant) {
        return instant.getEpochSecond() + "." + String.format("%09d", instant.getNano());
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

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
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
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
import java.util.Objects;
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
    /** Null for a facade that always asks Docker. */
    private final ImageIndex index;
    private static final Duration LOGIN_MEMORY = Duration.ofSeconds(30);
    private static final long IMAGE_LIST_NANOS = 500_000_000L;
    private final java.util.Map<String, Instant> acceptedLogins = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
    private final Object listingLock = new Object();
    private volatile ListedImages listed;

    private record ListedImages(ImageIndex.Snapshot images, long at) {
    }

    /**
     * A facade that asks Docker for every fact.
     *
     * @param dockerHost a {@code DOCKER_HOST} value such as {@code unix:///var/run/docker.sock};
     *     {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} are honoured
     * @param deadline how long one request may take
     */
    public DockerFacts(String dockerHost, Duration deadline) {
        this(dockerHost, deadline, null);
    }

    /**
     * A facade that answers image lookups from {@code index} while its event stream is followed,
     * for a daemon on this machine (a unix socket); any other daemon is always asked.
     *
     * @param index null to ask Docker every time
     */
    public DockerFacts(String dockerHost, Duration deadline, ImageIndex index) {
        this.dockerHost = dockerHost;
        this.deadline = deadline;
        this.index = dockerHost.startsWith("unix://") ? index : null;
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

    /** Whether image lookups are answered from memory now (see {@link ImageIndex}). */
    boolean answersFromMemory() {
        return index != null && index.isFollowed();
    }

    /**
     * Makes sure that image lookups from memory reflect every change the daemon made before
     * {@code asOf}, by asking the daemon's event log (see {@link ImageIndex#catchUp}).
     */
    void catchUp(Instant asOf) throws DockerUnavailable {
        if (index != null) {
            index.catchUp(asOf, this::anyImageEventAfter);
        }
    }

    /** How many requests this facade has made to Docker: for tests. */
    long requests() {
        return requests.get();
    }

    /** Succeeds when the daemon answers a ping. */
    public void ping() throws DockerUnavailable {
        ask(() -> docker.pingCmd().exec());
    }

    /**
     * The image that {@code ref} names in the daemon, if any: from memory while the event stream
     * is followed, else from Docker. A reference by digest always asks Docker.
     */
    public Optional<LocalImage> image(ImageRef ref) throws DockerUnavailable {
        if (index != null && ref.digest().isEmpty()) {
            Optional<ImageIndex.Snapshot> known = index.current(this::listImages);
            if (known.isPresent()) {
                return known.get().image(ref);
            }
        }
        return ask(() -> {
            try {
                InspectImageResponse found = docker.inspectImageCmd(ref.familiar()).exec();
                return Optional.of(new LocalImage(found.getId(),
                        Objects.requireNonNullElse(found.getRepoDigests(), List.of()),
                        Objects.requireNonNullElse(found.getRepoTags(), List.of())));
            } catch (NotFoundException absent) {
                return Optional.empty();
            }
        });
    }

    /**
     * The names of the images that share {@code ref}'s last path part, sorted, for explaining what
     * is there instead. It only feeds the wording of a failure ("images named backend: …"), never
     * a verdict, so without the index a listing up to half a second old is reused: listing every
     * image is the costliest request a check makes.
     */
    public List<String> namesakes(ImageRef ref) throws DockerUnavailable {
        if (index != null) {
            Optional<ImageIndex.Snapshot> known = index.current(this::listImages);
            if (known.isPresent()) {
                return known.get().namesakes(ref);
            }
        }
        ListedImages known = listed;
        if (known == null || System.nanoTime() - known.at() >= IMAGE_LIST_NANOS) {
            // One listing for every check that finds it old, not one each.
            synchronized (listingLock) {
                known = listed;
                if (known == null || System.nanoTime() - known.at() >= IMAGE_LIST_NANOS) {
                    known = new ListedImages(ImageIndex.Snapshot.of(listImages(), 0), System.nanoTime());
                    listed = known;
                }
            }
        }
        return known.images().namesakes(ref);
    }

    private List<Image> listImages() throws DockerUnavailable {
        return ask(() -> docker.listImagesCmd().exec());
    }

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

    /** Whether the daemon logged an image event after {@code after}, up to {@code until}. */
    private boolean anyImageEventAfter(Instant after, Instant until) throws DockerUnavailable {
        long afterNanos = after.getEpochSecond() * 1_000_000_000L + after.getNano();
        java.util.concurrent.atomic.AtomicBoolean any = new java.util.concurrent.atomic.AtomicBoolean();
        imageEvents(after, until, null, event -> {
            if (event.getTimeNano() == null || event.getTimeNano() > afterNanos) {
                any.set(true);
            }
        });
        return any.get();
    }

    /** The image pulls the daemon reported since {@code since}, as the references it names. */
    public List<String> pullsSince(Instant since) throws DockerUnavailable {
        List<String> pulls = new ArrayList<>();
        imageEvents(since, Instant.now(), "pull", event -> {
            if (event.getId() != null) {
                pulls.add(event.getId());
            }
        });
        return pulls;
    }

    /**
     * The image events the daemon logged from {@code since} to {@code until} (of one action, or
     * all when {@code action} is null). An answer cut short by the deadline is an error, never
     * taken for "no events".
     */
    private void imageEvents(Instant since, Instant until, String action, java.util.function.Consumer<Event> each)
            throws DockerUnavailable {
        boolean complete = ask(() -> {
            var command = docker.eventsCmd().withSince(seconds(since)).withUntil(seconds(until))
                    .withEventTypeFilter(EventType.IMAGE);
            if (action != null) {
                command = command.withEventFilter(action);
            }
            try {
                return command.exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        each.accept(event);
                    }
                }).awaitCompletion(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading Docker's events", e);
            }
        });
        if (!complete) {
            throw new DockerUnavailable("Docker at " + dockerHost + " did not list its events within "
                    + deadline.toMillis() + " ms", null);
        }
    }

    /**
     * Follows the daemon's image events from {@code since} until the stream ends (the daemon
     * stopped, or {@link #close} was called). Returns when it ends; the caller reconnects.
     * {@code onConnected} runs once the daemon has answered, before the first event.
     */
    public void followImageEvents(Instant since, Runnable onConnected, java.util.function.Consumer<Event> onEvent)
            throws DockerUnavailable {
        ask(() -> {
            try (var callback = docker.eventsCmd().withSince(seconds(since)).withEventTypeFilter(EventType.IMAGE)
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onStart(java.io.Closeable stream) {
                            super.onStart(stream);
                            onConnected.run();
                        }

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
            return new DockerUnavailable("Docker at " + dockerHost + " refused the request: " + firstLine(e.getMessage()), e);
        }
        if (rootCause(e) instanceof SocketTimeoutException) {
            return new DockerUnavailable("Docker at " + dockerHost + " did not answer within "
                    + deadline.toMillis() + " ms", e);
        }
        return new DockerUnavailable("Docker is not reachable at " + dockerHost + ": " + firstLine(rootCause(e).getMessage()), e);
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

package dev.dockstep.check;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What checks may know of one Docker daemon, read-only: its images ({@link DockerImages}) and
 * whether a registry accepts a login ({@link DockerLogins}), over one connection whose transport
 * refuses every mutating request ({@link DockerRequests}). It exposes facts, never the client.
 * The daemon's event stream is {@link DockerEvents}'.
 */
public final class DockerFacts implements AutoCloseable {
    private final DockerRequests requests;
    private final DockerImages images;
    private final DockerLogins logins;

    /**
     * Facts asked of Docker every time.
     *
     * @param dockerHost a {@code DOCKER_HOST} value such as {@code unix:///var/run/docker.sock}
     * @param deadline how long one request may take
     */
    public DockerFacts(String dockerHost, Duration deadline) {
        this(dockerHost, deadline, null);
    }

    /**
     * Facts whose image lookups are answered from {@code index} while its event stream is
     * followed, for a daemon on this machine (a unix socket); any other daemon is always asked.
     *
     * @param index null to ask Docker every time
     */
    public DockerFacts(String dockerHost, Duration deadline, ImageIndex index) {
        this.requests = new DockerRequests(dockerHost, deadline);
        this.images = new DockerImages(requests, index);
        this.logins = new DockerLogins(requests);
    }

    public String dockerHost() {
        return requests.dockerHost();
    }

    /** Succeeds when the daemon answers a ping. */
    public void ping() throws DockerUnavailable {
        requests.ask(() -> requests.client().pingCmd().exec());
    }

    /** The image {@code ref} names, if any (see {@link DockerImages#image}). */
    public Optional<LocalImage> image(ImageRef ref) throws DockerUnavailable {
        return images.image(ref);
    }

    /** The names of images with {@code ref}'s last path part, for a failure's wording. */
    public List<String> namesakes(ImageRef ref) throws DockerUnavailable {
        return images.namesakes(ref);
    }

    /** The images that have no tag left, which {@code docker image prune} removes. */
    public List<LocalImage> dangling() throws DockerUnavailable {
        return images.dangling();
    }

    /** The image pulls the daemon reported since {@code since}. */
    public List<String> pullsSince(Instant since) throws DockerUnavailable {
        return images.pullsSince(since);
    }

    /** Whether the registry accepts the credentials: empty if so, else its reason. */
    public Optional<String> authenticate(String registry, Credentials credentials) throws DockerUnavailable {
        return logins.authenticate(registry, credentials);
    }

    boolean answersFromMemory() {
        return images.answersFromMemory();
    }

    void catchUp(Instant asOf) throws DockerUnavailable {
        images.catchUp(asOf);
    }

    /** How many requests went to Docker: for tests. */
    long requests() {
        return requests.count();
    }

    @Override
    public void close() {
        requests.close();
    }
}

package dev.dockstep.check;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checks' view of every learner's daemon, by {@code DOCKER_HOST}: a read-only facade and the
 * image memory that the daemon's event stream keeps (see {@link ImageIndex}). One per daemon, made
 * on first use and closed when the daemon stops for good.
 */
public final class Daemons implements AutoCloseable {
    private final Duration deadline;
    private final Map<String, View> views = new ConcurrentHashMap<>();

    /** One daemon's facade for checks and its image memory. */
    public record View(DockerFacts facts, ImageIndex images) {
    }

    /** @param deadline how long one request of a check may take */
    public Daemons(Duration deadline) {
        this.deadline = deadline;
    }

    /** The view of the daemon at {@code dockerHost}, made on first use. */
    public View of(String dockerHost) {
        return views.computeIfAbsent(dockerHost, host -> {
            ImageIndex images = new ImageIndex();
            return new View(new DockerFacts(host, deadline, images), images);
        });
    }

    /** The daemon stopped for good: its connections and memory go. */
    public void forget(String dockerHost) {
        View view = views.remove(dockerHost);
        if (view != null) {
            view.images().lost();
            view.facts().close();
        }
    }

    @Override
    public void close() {
        views.keySet().forEach(this::forget);
    }
}

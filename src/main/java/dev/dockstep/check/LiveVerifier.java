package dev.dockstep.check;

import dev.dockstep.account.Learner;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns steps green without a click. It follows the daemon's image events and the learner's
 * docker config folder; when either moves, the current step of every lesson a learner has open is
 * checked again, and a pass is recorded and announced.
 *
 * <p>Events for push, pull and tag arrive before the docker CLI even exits, so a pass usually
 * reaches the page before the learner's prompt returns.
 */
public final class LiveVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveVerifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** A lesson a learner has open. */
    public record OpenLesson(Learner learner, String course, String lesson) {
    }

    /** Told when a step passed without a click. */
    @FunctionalInterface
    public interface Listener {
        void stepPassed(Learner learner, String course, String lesson, String step);
    }

    private final DockerFacts events;
    private final ImageIndex images;
    private final Path dockerConfig;
    private final Supplier<Catalog> catalog;
    private final StepChecker checker;
    private final Supplier<Set<OpenLesson>> open;
    private final Listener listener;
    private final ExecutorService checks = Executors.newSingleThreadExecutor(daemon("live-check"));
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile Instant lastEvent = Instant.now();
    private WatchService watcher;

    /**
     * @param events a facade used only to follow the event stream (its deadline must be long)
     * @param images told when the stream connects, drops and moves, so checks may answer from it
     * @param open the lessons that learners have open now
     */
    public LiveVerifier(DockerFacts events, ImageIndex images, Path dockerConfig, Supplier<Catalog> catalog,
                        StepChecker checker, Supplier<Set<OpenLesson>> open, Listener listener) {
        this.events = events;
        this.images = images;
        this.dockerConfig = dockerConfig;
        this.catalog = catalog;
        this.checker = checker;
        this.open = open;
        this.listener = listener;
    }

    /** Starts following the daemon and the config folder, each on a thread of its own. */
    public void start() {
        daemon("live-events").newThread(this::followDaemon).start();
        try {
            Files.createDirectories(dockerConfig);
            watcher = FileSystems.getDefault().newWatchService();
            dockerConfig.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            daemon("live-config").newThread(this::followConfig).start();
        } catch (IOException e) {
            LOG.warn("cannot follow {} for logins; logged-in steps pass on Check only: {}", dockerConfig, e.getMessage());
        }
    }

    /** Checks the current step of every open lesson again, soon; calls made meanwhile are merged. */
    public void recheck() {
        if (queued.compareAndSet(false, true)) {
            checks.execute(() -> {
                queued.set(false);
                recheckNow();
            });
        }
    }

    private void recheckNow() {
        Catalog now = catalog.get();
        for (OpenLesson page : open.get()) {
            Optional<Lesson> lesson = now.lesson(page.course(), page.lesson());
            if (lesson.isEmpty()) {
                continue;
            }
            Optional<Step> current = checker.currentExercise(page.learner(), lesson.get());
            if (current.isPresent() && checker.checkQuietly(page.learner(), lesson.get(), current.get())) {
                listener.stepPassed(page.learner(), page.course(), page.lesson(), current.get().id());
            }
        }
    }

    private void followDaemon() {
        Duration backoff = Duration.ofMillis(100);
        while (running) {
            try {
                // Reconnecting from the last event seen replays what happened while we were away.
                Instant since = lastEvent;
                events.followImageEvents(since, () -> images.followed(since), event -> {
                    if (event.getTimeNano() != null) {
                        lastEvent = Instant.ofEpochSecond(0, event.getTimeNano());
                    }
                    // Before the recheck: the checks it starts must not see the images as they were.
                    images.changed(lastEvent);
                    recheck();
                });
                backoff = Duration.ofMillis(100);
            } catch (DockerUnavailable e) {
                LOG.debug("event stream: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("event stream failed: {}", e.toString());
            } finally {
                images.lost();
            }
            if (!running) {
                return;
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void followConfig() {
        try {
            while (running) {
                var key = watcher.take();
                key.pollEvents();
                key.reset();
                recheck();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopped
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        running = false;
        events.close();
        checks.shutdownNow();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}

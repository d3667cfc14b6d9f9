package dev.dockstep.steps;

import dev.dockstep.check.Daemons;
import dev.dockstep.check.DockerEvents;
import dev.dockstep.check.DockerUnavailable;
import dev.dockstep.check.ImageIndex;
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
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns steps green without a click. For every learner with a lesson page open, it follows their
 * daemon's image events and their docker config folder; when either moves, the current step of
 * each lesson that learner has open is checked again, and a pass is recorded and announced. A
 * learner with no page open costs nothing here, and one learner's events never check another's
 * steps (unless they share one Docker, as in the shared and host modes).
 *
 * <p>Events for push, pull and tag arrive before the docker CLI even exits, so a pass usually
 * reaches the page before the learner's prompt returns.
 */
public final class LiveVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveVerifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    /** A lesson a learner has open. */
    public record OpenLesson(Learner learner, String course, String lesson) {
    }

    /** Told when a step passed without a click. */
    @FunctionalInterface
    public interface Listener {
        void stepPassed(Learner learner, String course, String lesson, String step);
    }

    /** The daemon and config folder of a learner's running sandbox. */
    public record Watched(String dockerHost, Path dockerConfig) {
    }

    /** The live side of the sandbox provider. */
    public interface Sandboxes {
        /** The learner's sandbox, started in the background if need be. */
        CompletableFuture<Watched> prepare(String learner);

        /** Keeps the learner's sandbox running while their page is open. */
        AutoCloseable hold(String learner);
    }

    /** One learner being watched: their open pages and what keeps their sandbox up. */
    private static final class Watch {
        final Learner learner;
        final Map<OpenLesson, Integer> pages = new HashMap<>();
        AutoCloseable lease;
        Watched target;
        boolean closed;

        Watch(Learner learner) {
            this.learner = learner;
        }
    }

    private final Daemons daemons;
    private final Sandboxes sandboxes;
    private final Supplier<Catalog> catalog;
    private final StepChecker checker;
    private volatile Listener listener = (learner, course, lesson, step) -> { };
    private final Object lock = new Object();
    private final Map<String, Watch> watches = new HashMap<>();
    private final Map<String, Follower> followers = new HashMap<>();
    private final Map<Path, WatchKey> configKeys = new HashMap<>();
    private final Map<String, Boolean> queued = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicLong> rechecks = new ConcurrentHashMap<>();
    private final ExecutorService checks = Executors.newFixedThreadPool(4, daemon("live-check"));
    private final WatchService watcher;
    private volatile boolean running = true;

    /**
     * @param daemons the checks' views of the daemons, whose image memory the event streams keep
     * @param sandboxes where each learner's sandbox is
     */
    public LiveVerifier(Daemons daemons, Sandboxes sandboxes, Supplier<Catalog> catalog, StepChecker checker) {
        this.daemons = daemons;
        this.sandboxes = sandboxes;
        this.catalog = catalog;
        this.checker = checker;
        WatchService service;
        try {
            service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            LOG.warn("cannot follow docker config folders; logged-in steps pass on Check only: {}", e.getMessage());
            service = null;
        }
        this.watcher = service;
    }

    /**
     * Starts following config folders (daemons are followed as pages open).
     *
     * @param listener told of every step that passes without a click
     */
    public void start(Listener listener) {
        this.listener = listener;
        if (watcher != null) {
            daemon("live-config").newThread(this::followConfigs).start();
        }
    }

    /** A learner opened a lesson page: watch their sandbox while any of their pages is open. */
    public void opened(OpenLesson page) {
        String name = page.learner().name();
        boolean first;
        synchronized (lock) {
            Watch watch = watches.computeIfAbsent(name, n -> new Watch(page.learner()));
            first = watch.pages.isEmpty() && watch.lease == null;
            watch.pages.merge(page, 1, Integer::sum);
            if (first) {
                try {
                    watch.lease = sandboxes.hold(name);
                } catch (RuntimeException e) {
                    LOG.debug("cannot hold the sandbox of {}: {}", name, e.getMessage());
                }
            }
        }
        if (first) {
            sandboxes.prepare(name).whenComplete((target, failed) -> {
                if (failed != null) {
                    LOG.debug("live checks for {} wait: {}", name, failed.getMessage());
                    return;
                }
                follow(name, target);
            });
        }
        recheck(name);
    }

    /** A lesson page closed. */
    public void closed(OpenLesson page) {
        String name = page.learner().name();
        Watch ended = null;
        synchronized (lock) {
            Watch watch = watches.get(name);
            if (watch == null) {
                return;
            }
            watch.pages.computeIfPresent(page, (p, n) -> n > 1 ? n - 1 : null);
            if (watch.pages.isEmpty()) {
                watches.remove(name);
                watch.closed = true;
                unfollow(name, watch);
                ended = watch;
            }
        }
        if (ended != null && ended.lease != null) {
            try {
                ended.lease.close();
            } catch (Exception e) {
                LOG.debug("releasing the sandbox of {}: {}", name, e.getMessage());
            }
        }
    }

    /** How many times a learner's open steps were checked again: for tests. */
    long rechecks(String learner) {
        var count = rechecks.get(learner);
        return count == null ? 0 : count.get();
    }

    /** The daemons followed now: for tests. */
    Set<String> followedDaemons() {
        synchronized (lock) {
            return Set.copyOf(followers.keySet());
        }
    }

    /** The learners whose daemons are followed now: for tests. */
    Set<String> watchedLearners() {
        synchronized (lock) {
            return Set.copyOf(watches.keySet());
        }
    }

    private void follow(String name, Watched target) {
        synchronized (lock) {
            Watch watch = watches.get(name);
            if (watch == null || watch.closed || watch.target != null) {
                return;
            }
            watch.target = target;
            followers.computeIfAbsent(target.dockerHost(), Follower::new).learners.add(name);
            watchConfig(target.dockerConfig());
        }
        // The sandbox may have changed while it started: one check now catches that up.
        recheck(name);
    }

    private void unfollow(String name, Watch watch) {
        if (watch.target == null) {
            return;
        }
        Follower follower = followers.get(watch.target.dockerHost());
        if (follower != null) {
            follower.learners.remove(name);
            if (follower.learners.isEmpty()) {
                followers.remove(watch.target.dockerHost());
                follower.close();
            }
        }
        Path config = watch.target.dockerConfig();
        boolean stillWatched = watches.values().stream().anyMatch(w -> w.target != null
                && w.target.dockerConfig().equals(config));
        if (!stillWatched) {
            WatchKey key = configKeys.remove(config);
            if (key != null) {
                key.cancel();
            }
        }
    }

    private void watchConfig(Path config) {
        if (watcher == null || configKeys.containsKey(config)) {
            return;
        }
        try {
            Files.createDirectories(config);
            configKeys.put(config, config.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
        } catch (IOException e) {
            LOG.warn("cannot follow {} for logins; logged-in steps pass on Check only: {}", config, e.getMessage());
        }
    }

    /** Checks the current step of every lesson the learner has open again, soon; calls meanwhile merge. */
    public void recheck(String learner) {
        if (queued.putIfAbsent(learner, Boolean.TRUE) == null) {
            checks.execute(() -> {
                queued.remove(learner);
                recheckNow(learner);
            });
        }
    }

    private void recheckNow(String name) {
        rechecks.computeIfAbsent(name, n -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        List<OpenLesson> pages;
        synchronized (lock) {
            Watch watch = watches.get(name);
            if (watch == null) {
                return;
            }
            pages = List.copyOf(watch.pages.keySet());
        }
        Catalog now = catalog.get();
        for (OpenLesson page : pages) {
            Optional<Lesson> lesson = now.lesson(page.course(), page.lesson());
            if (lesson.isEmpty()) {
                continue;
            }
            try {
                Optional<Step> current = checker.currentExercise(page.learner(), lesson.get());
                if (current.isPresent() && checker.checkQuietly(page.learner(), lesson.get(), current.get())) {
                    listener.stepPassed(page.learner(), page.course(), page.lesson(), current.get().id());
                }
            } catch (RuntimeException e) {
                LOG.warn("a live check of {} failed: {}", name, e.toString());
            }
        }
    }

    private void followConfigs() {
        try {
            while (running) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                Set<String> learners = new HashSet<>();
                synchronized (lock) {
                    for (Watch watch : watches.values()) {
                        if (watch.target != null && key.watchable().equals(watch.target.dockerConfig())) {
                            learners.add(watch.learner.name());
                        }
                    }
                }
                learners.forEach(this::recheck);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopped
        }
    }

    /**
     * Follows one daemon's image events on a thread of its own, for the learners who use it, and
     * keeps its image memory current. Reconnects with backoff when the stream drops.
     */
    private final class Follower implements AutoCloseable {
        final Set<String> learners = ConcurrentHashMap.newKeySet();
        private final String dockerHost;
        private final DockerEvents events;
        private volatile boolean open = true;
        private volatile Instant lastEvent = Instant.now();

        Follower(String dockerHost) {
            this.dockerHost = dockerHost;
            this.events = new DockerEvents(dockerHost);
            daemon("live-events").newThread(this::run).start();
        }

        private void run() {
            Duration backoff = Duration.ofMillis(100);
            boolean reconnecting = false;
            while (open && running) {
                ImageIndex images = daemons.of(dockerHost).images();
                boolean again = reconnecting;
                try {
                    // Reconnecting from the last event seen replays what happened while we were away,
                    // but a restarted daemon has forgotten its events from before the restart: so
                    // after a reconnection every learner is checked once more as well.
                    Instant since = lastEvent;
                    events.followImageEvents(since, () -> {
                        images.followed(since);
                        if (again) {
                            learners.forEach(LiveVerifier.this::recheck);
                        }
                    }, event -> {
                        if (event.getTimeNano() != null) {
                            lastEvent = Instant.ofEpochSecond(0, event.getTimeNano());
                        }
                        // Before the recheck: the checks it starts must not see the images as they were.
                        images.changed(lastEvent);
                        learners.forEach(LiveVerifier.this::recheck);
                    });
                    backoff = Duration.ofMillis(100);
                } catch (DockerUnavailable e) {
                    LOG.debug("event stream of {}: {}", dockerHost, e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("event stream of {} failed: {}", dockerHost, e.toString());
                } finally {
                    images.lost();
                }
                if (!open || !running) {
                    return;
                }
                reconnecting = true;
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }

        @Override
        public void close() {
            open = false;
            events.close();
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
        List<AutoCloseable> leases;
        synchronized (lock) {
            followers.values().forEach(Follower::close);
            followers.clear();
            leases = watches.values().stream().map(w -> w.lease).filter(java.util.Objects::nonNull).toList();
            watches.clear();
        }
        for (AutoCloseable lease : leases) {
            try {
                lease.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
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

package dev.dockstep.sandbox;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a process dockstep started and starts it again when it dies, waiting longer after each
 * failed try (up to {@link #MAX_BACKOFF}). Until it is back, {@link #trouble} says so, and
 * {@code /healthz} with it.
 */
final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Starts the process again; throws with one line when it cannot. */
    @FunctionalInterface
    interface Restart {
        void run();
    }

    private final String name;
    private final BooleanSupplier alive;
    private final Restart restart;
    private final ScheduledExecutorService timer;
    private volatile String trouble;
    private volatile boolean open = true;
    private Duration backoff = FIRST_BACKOFF;
    private long nextTry;
    private int attempts;

    private Supervisor(String name, BooleanSupplier alive, Restart restart, Duration every) {
        this.name = name;
        this.alive = alive;
        this.restart = restart;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "supervise-" + name);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::look, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Looks at the process every {@code every}, from now on. */
    static Supervisor watch(String name, BooleanSupplier alive, Restart restart, Duration every) {
        return new Supervisor(name, alive, restart, every);
    }

    /** What is wrong while the process is down or being started again; empty while it runs. */
    Optional<String> trouble() {
        return Optional.ofNullable(trouble);
    }

    private void look() {
        if (!open) {
            return;
        }
        try {
            if (alive.getAsBoolean()) {
                if (trouble != null) {
                    LOG.info("{} is running again", name);
                }
                trouble = null;
                backoff = FIRST_BACKOFF;
                attempts = 0;
                return;
            }
            if (trouble == null) {
                LOG.warn("{} stopped by itself; starting it again", name);
                trouble = name + " stopped by itself and is being started again";
            }
            if (System.nanoTime() < nextTry) {
                return;
            }
            attempts++;
            try {
                restart.run();
            } catch (RuntimeException e) {
                trouble = name + " stopped by itself; try " + attempts + " to start it again failed: " + e.getMessage();
                LOG.warn("{}", trouble);
                nextTry = System.nanoTime() + backoff.toNanos();
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        } catch (RuntimeException e) {
            // The watch must outlive any one failure.
            LOG.warn("supervising {} failed: {}", name, e.toString());
        }
    }

    @Override
    public void close() {
        open = false;
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

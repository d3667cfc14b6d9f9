package dev.dockstep.sandbox;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Gives each learner their sandbox; nothing else holds one. Checks, live verification, the pages,
 * {@code /healthz} and {@code /api/sandbox} all ask here, by learner.
 *
 * <p>Three kinds: {@link PerLearnerSandboxes} (a rootless daemon and a gate of their own for each
 * learner), and {@link SingleSandbox}'s shared managed daemon and host Docker.
 */
public interface SandboxProvider extends AutoCloseable {
    /** {@code per-learner}, {@code shared} or {@code host}. */
    String mode();

    /**
     * Starts what every sandbox needs (the practice registry, a warm pool).
     *
     * @throws SandboxException with one line saying what failed and what to do
     */
    void start();

    /**
     * The learner's sandbox, started if it is not running; blocks until it answers.
     *
     * @throws SandboxException with one line for the learner: the host is full, or the sandbox failed to start
     */
    Sandbox forLearner(String learner);

    /** The learner's sandbox, starting in the background if it is not running. */
    CompletableFuture<Sandbox> prepare(String learner);

    /** The learner's sandbox if it runs now, without starting one. */
    Optional<Sandbox> ifRunning(String learner);

    /**
     * Keeps the learner's sandbox from being stopped as idle until the lease is closed: an open
     * lesson page or terminal holds one.
     */
    Lease hold(String learner);

    /** Stops the learner's sandbox now, keeping their images for the next start. */
    void release(String learner);

    /**
     * Gives the learner a fresh Docker with the lessons' setup images: their images, containers
     * and logins are gone. Progress is not the sandbox's to touch.
     */
    Sandbox reset(String learner);

    /** The parts every learner depends on, for {@code /healthz}: name → {@code status} and {@code reason}. */
    Map<String, Map<String, String>> health();

    /** Told with a daemon's {@code dockerHost} when it stops for good (idle, reset, shutdown). */
    void onStopped(Consumer<String> listener);

    /** The registry learners push to. */
    RegistryService registry();

    /** Stops every sandbox and the registry, by PID. */
    @Override
    void close();

    /** A hold on a sandbox; closing it twice is harmless. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}

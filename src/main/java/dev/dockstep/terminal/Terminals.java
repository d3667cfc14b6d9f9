package dev.dockstep.terminal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Every learner's shells: starts them in their jail, attaches pages to them, keeps to the limits
 * and stops shells that no page has shown for a while. A learner only ever reaches their own
 * shells: the learner comes from the session, never from the page.
 */
public final class Terminals implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Terminals.class);

    private final Function<String, ShellAccount> accounts;
    private final TerminalLimits limits;
    private final String path;
    private final Map<String, LearnerShells> learners = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final ExecutorService writers;
    private final ScheduledExecutorService reaper;
    private Jail jail;
    private volatile boolean closed;

    /** What became of a page asking for its shell. */
    sealed interface Opening {
        /** The page is attached to {@code shell}. */
        record Attached(Shell shell) implements Opening {
        }

        /** No shell for this page; {@code reason} is one line for the learner. */
        record Refused(String reason) implements Opening {
        }
    }

    /** One learner's shells; {@code removed} once empty and dropped from the map. */
    private static final class LearnerShells {
        final List<Shell> shells = new ArrayList<>();
        boolean removed;
    }

    /**
     * @param accounts who a learner's shell runs as and what it may reach; it may throw, with a
     *     one-line message for the learner (for example when the host is full)
     */
    public Terminals(Function<String, ShellAccount> accounts, TerminalLimits limits) {
        this(accounts, limits, Optional.ofNullable(System.getenv("PATH")).filter(p -> !p.isBlank())
                .orElse("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    }

    /** @param path where to look for bwrap, setpriv, prlimit and the docker CLI */
    Terminals(Function<String, ShellAccount> accounts, TerminalLimits limits, String path) {
        this.accounts = accounts;
        this.limits = limits;
        this.path = path;
        this.writers = Executors.newCachedThreadPool(daemon("terminal-input"));
        this.reaper = Executors.newSingleThreadScheduledExecutor(daemon("terminal-idle"));
        long period = Math.max(100, Math.min(30_000, limits.idleStop().toMillis() / 4));
        reaper.scheduleWithFixedDelay(this::stopIdle, period, period, TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public TerminalLimits limits() {
        return limits;
    }

    /**
     * Attaches a page to the learner's shell for {@code tab} (a page's own name for its shell,
     * kept across reloads), starting one when there is none and the limits allow.
     */
    Opening open(String learner, String tab, int cols, int rows, Shell.Screen screen) {
        while (true) {
            if (closed) {
                return new Opening.Refused("The server is stopping.");
            }
            LearnerShells mine = learners.computeIfAbsent(learner, name -> new LearnerShells());
            synchronized (mine) {
                if (mine.removed) {
                    continue;
                }
                // A shell that is ending stays listed until it is gone; it is nobody's to attach to.
                Optional<Shell> same = mine.shells.stream().filter(Shell::isRunning).filter(s -> s.tab().equals(tab))
                        .findFirst();
                if (same.isPresent()) {
                    return attach(same.get(), screen, cols, rows);
                }
                long running = mine.shells.stream().filter(Shell::isRunning).count();
                if (running >= limits.perLearner()) {
                    // A page closed without its shell: the new one takes the shell left longest unseen.
                    Optional<Shell> unseen = mine.shells.stream().filter(Shell::isRunning).filter(s -> s.detachedNanos() > 0)
                            .max(Comparator.comparingLong(Shell::detachedNanos));
                    if (unseen.isEmpty()) {
                        return new Opening.Refused("You already have " + running + " terminal"
                                + (running == 1 ? "" : "s") + " open, in other tabs or windows (at most "
                                + limits.perLearner() + "). Use one of those, or type exit in one and reload this page.");
                    }
                    unseen.get().retab(tab);
                    return attach(unseen.get(), screen, cols, rows);
                }
                if (total.incrementAndGet() > limits.perServer()) {
                    total.decrementAndGet();
                    dropIfEmpty(learner, mine);
                    return new Opening.Refused("This server is running as many terminals as it may ("
                            + limits.perServer() + "). Try again in a few minutes.");
                }
                Shell shell;
                try {
                    shell = start(learner, tab, cols, rows);
                } catch (RuntimeException e) {
                    total.decrementAndGet();
                    dropIfEmpty(learner, mine);
                    return new Opening.Refused(e.getMessage() == null || e.getMessage().isBlank()
                            ? "Your terminal could not be prepared." : e.getMessage().lines().findFirst().orElse(""));
                }
                mine.shells.add(shell);
                return attach(shell, screen, cols, rows);
            }
        }
    }

    private Opening attach(Shell shell, Shell.Screen screen, int cols, int rows) {
        shell.resize(cols, rows);
        Shell.Screen before = shell.attach(screen);
        if (before != null && before != screen) {
            before.close(TerminalSocket.TAKEN_OVER, "This terminal was opened in another window.");
        }
        return new Opening.Attached(shell);
    }

    private Shell start(String learner, String tab, int cols, int rows) {
        ShellAccount account = accounts.apply(learner);
        Jail jail = jail();
        try {
            return Shell.start(learner, tab, jail.command(account), jail.environment(account), cols, rows, limits,
                    writers, this::ended);
        } catch (IOException e) {
            throw new TerminalUnavailable("The terminal could not start a shell: " + e.getMessage());
        }
    }

    private synchronized Jail jail() {
        if (jail == null) {
            try {
                jail = Jail.onThisHost(path);
            } catch (TerminalUnavailable e) {
                throw new TerminalUnavailable("The terminal cannot start on this server: " + e.getMessage());
            }
        }
        return jail;
    }

    /** Takes an ended shell off its learner's list. */
    private void ended(Shell shell) {
        LearnerShells mine = learners.get(shell.learner());
        if (mine == null) {
            return;
        }
        synchronized (mine) {
            if (mine.shells.remove(shell)) {
                total.decrementAndGet();
                LOG.debug("shell {} of {} ended", shell.pid(), shell.learner());
            }
            dropIfEmpty(shell.learner(), mine);
        }
    }

    /** Called with {@code mine} held: a learner without shells takes no room in the map. */
    private void dropIfEmpty(String learner, LearnerShells mine) {
        if (mine.shells.isEmpty() && !mine.removed) {
            mine.removed = true;
            learners.remove(learner, mine);
        }
    }

    private void stopIdle() {
        long limit = limits.idleStop().toNanos();
        for (Shell shell : shells()) {
            if (shell.detachedNanos() > limit) {
                LOG.info("stopping the shell of {}: no page has shown it for {}", shell.learner(), limits.idleStop());
                shell.stop("The shell was stopped after " + limits.idleStop().toMinutes() + " minutes unseen.");
            }
        }
    }

    /** Every shell running now. */
    List<Shell> shells() {
        List<Shell> all = new ArrayList<>();
        for (LearnerShells mine : learners.values()) {
            synchronized (mine) {
                all.addAll(mine.shells);
            }
        }
        return all;
    }

    /** Shells running now, across the server. */
    public int running() {
        return total.get();
    }

    /** Stops every shell and what runs in it. */
    @Override
    public void close() {
        closed = true;
        reaper.shutdownNow();
        shells().parallelStream().forEach(shell -> shell.stop("The server is stopping."));
        writers.shutdownNow();
        synchronized (this) {
            if (jail != null) {
                jail.close();
            }
        }
    }
}

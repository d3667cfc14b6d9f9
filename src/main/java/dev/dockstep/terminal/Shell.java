package dev.dockstep.terminal;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One learner's shell on a pty. It outlives the page: output goes to the page attached now, if
 * any, and into a bounded scrollback that a page attaching later is shown first.
 *
 * <p>Output is read by one thread, no faster than the rate limit, and only while the attached
 * page's window has room: when the browser or the link is slow, the pty is not read and the
 * shell's programs block on their writes, so the server holds at most the scrollback and one
 * window per shell.
 */
final class Shell {
    /** Where a shell's output goes: one page's connection. */
    interface Screen {
        /** Sends output; {@code sent} runs once it has left, or failed to. Must not block. */
        void output(ByteBuffer bytes, Runnable sent);

        /** Tells the page why it is no longer attached, and lets it go. */
        void close(int code, String reason);
    }

    private static final int READ_BYTES = 16 * 1024;

    private final String learner;
    private volatile String tab;
    private final PtyProcess pty;
    private final long pid;
    /** Taken at the start: it knows the process's start time, so a reused PID is never touched. */
    private final Optional<ProcessHandle> root;
    private final TerminalLimits limits;
    private final Executor writer;
    private final Consumer<Shell> onEnd;
    private final Object lock = new Object();
    private final Scrollback scrollback;
    private volatile Attachment attached;
    /** Set once the last page has been let go; a page attaching later is told at once. */
    private boolean finished;
    private long detachedSince = System.nanoTime();
    private final ConcurrentLinkedQueue<byte[]> input = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedInput = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Done once the shell has ended, its processes are gone and its learner's list no longer has it. */
    private final java.util.concurrent.CountDownLatch gone = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean stopping;
    private volatile String endReason = "The shell ended.";

    private record Attachment(Screen screen, Semaphore window) {
    }

    private Shell(String learner, String tab, PtyProcess pty, TerminalLimits limits, Executor writer,
                  Consumer<Shell> onEnd) {
        this.learner = learner;
        this.tab = tab;
        this.pty = pty;
        this.pid = pty.pid();
        this.root = ProcessHandle.of(pid);
        this.limits = limits;
        this.writer = writer;
        this.onEnd = onEnd;
        this.scrollback = new Scrollback(limits.scrollbackBytes());
    }

    /**
     * Starts {@code command} on a new pty of {@code cols} × {@code rows}, with exactly {@code env}.
     *
     * @param onEnd told once, when the shell has ended and left no process behind
     */
    static Shell start(String learner, String tab, List<String> command, Map<String, String> env, int cols, int rows,
                       TerminalLimits limits, Executor writer, Consumer<Shell> onEnd) throws IOException {
        PtyProcess pty = new PtyProcessBuilder(command.toArray(String[]::new)).setEnvironment(env)
                .setDirectory("/").setInitialColumns(cols).setInitialRows(rows).setRedirectErrorStream(true).start();
        Shell shell = new Shell(learner, tab, pty, limits, writer, onEnd);
        // A small stack: one reader per shell, a few hundred of them on a busy server.
        Thread reader = new Thread(null, shell::pump, "terminal-" + learner + "-" + shell.pid, 256 * 1024);
        reader.setDaemon(true);
        reader.start();
        return shell;
    }

    String learner() {
        return learner;
    }

    String tab() {
        return tab;
    }

    /** A learner at their limit who opens another tab takes over a shell no page is showing. */
    void retab(String tab) {
        this.tab = tab;
    }

    long pid() {
        return pid;
    }

    /** Everything the pty has given so far, for tests and the benchmark. */
    long bytesRead() {
        return bytesRead.get();
    }

    boolean isRunning() {
        return !ended.get();
    }

    /**
     * Attaches a page: it is shown the scrollback, then the output as it comes.
     *
     * @return the page attached before, now detached, or null
     */
    Screen attach(Screen screen) {
        synchronized (lock) {
            if (finished) {
                screen.close(TerminalSocket.ENDED, endReason);
                return null;
            }
            Attachment before = attached;
            byte[] replay = scrollback.snapshot();
            // The replay counts against the window, so new output waits until it has left.
            Attachment now = new Attachment(screen, new Semaphore(limits.windowBytes() - replay.length));
            attached = now;
            if (replay.length > 0) {
                screen.output(ByteBuffer.wrap(replay), () -> now.window().release(replay.length));
            }
            return before == null ? null : before.screen();
        }
    }

    /** Detaches {@code screen} if it is still the attached one; the idle clock starts. */
    void detach(Screen screen) {
        synchronized (lock) {
            Attachment now = attached;
            if (now != null && now.screen() == screen) {
                attached = null;
                detachedSince = System.nanoTime();
            }
        }
    }

    /** How long no page has been attached; zero while one is. */
    long detachedNanos() {
        synchronized (lock) {
            return attached != null ? 0 : System.nanoTime() - detachedSince;
        }
    }

    /** Types into the shell. False when too much input already waits for the shell to read it. */
    boolean input(byte[] bytes) {
        if (ended.get()) {
            return false;
        }
        if (queuedInput.addAndGet(bytes.length) > limits.inputBytes()) {
            queuedInput.addAndGet(-bytes.length);
            return false;
        }
        input.add(bytes);
        if (writing.compareAndSet(false, true)) {
            writer.execute(this::writeInput);
        }
        return true;
    }

    /**
     * Writes what was typed, in order, on a pool thread: a shell that does not read its input
     * blocks that write, never the connection's thread.
     */
    private void writeInput() {
        try {
            OutputStream out = pty.getOutputStream();
            for (byte[] bytes = input.poll(); bytes != null; bytes = input.poll()) {
                queuedInput.addAndGet(-bytes.length);
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            input.clear();
            queuedInput.set(0);
        } finally {
            writing.set(false);
            if (!input.isEmpty() && !ended.get() && writing.compareAndSet(false, true)) {
                writer.execute(this::writeInput);
            }
        }
    }

    void resize(int cols, int rows) {
        if (!ended.get()) {
            try {
                pty.setWinSize(new WinSize(cols, rows));
            } catch (RuntimeException e) {
                // the pty has just closed: the shell is ending
            }
        }
    }

    private void pump() {
        byte[] buffer = new byte[Math.min(READ_BYTES, limits.windowBytes())];
        RateLimit rate = new RateLimit(limits.outputBytesPerSecond(), Math.min(64 * 1024, limits.outputBytesPerSecond()));
        try (InputStream in = pty.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (n == 0) {
                    continue;
                }
                bytesRead.addAndGet(n);
                rate.take(n);
                byte[] chunk = Arrays.copyOf(buffer, n);
                Attachment to;
                synchronized (lock) {
                    scrollback.append(chunk);
                    to = attached;
                }
                if (to != null) {
                    deliver(to, chunk);
                }
            }
        } catch (IOException e) {
            // the pty closed: the shell has ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            end();
        }
    }

    /** Waits for room in the page's window; a page that goes meanwhile gets nothing more. */
    private void deliver(Attachment to, byte[] chunk) throws InterruptedException {
        while (!to.window().tryAcquire(chunk.length, 100, TimeUnit.MILLISECONDS)) {
            if (stopping || attached != to) {
                return;
            }
        }
        to.screen().output(ByteBuffer.wrap(chunk), () -> to.window().release(chunk.length));
    }

    /**
     * Stops the shell and every process under it, by PID, and waits until they are gone.
     *
     * @param reason what an attached page is told
     */
    void stop(String reason) {
        endReason = reason;
        stopping = true;
        killTree();
        pty.destroy();
        end();
        // The reader may be ending it at the same moment; either way, return once it is done.
        try {
            gone.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void killTree() {
        // A root that is gone has taken the jail with it (its PID namespace dies with its init).
        List<ProcessHandle> tree = root.filter(ProcessHandle::isAlive)
                .map(r -> Stream.concat(Stream.of(r), r.descendants()).toList()).orElse(List.of());
        // The root first: bwrap's --die-with-parent then takes the whole jail with it.
        tree.forEach(ProcessHandle::destroyForcibly);
        // Polled here: onExit() of a process that is not our child sleeps 300 ms between looks.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tree.stream().anyMatch(Shell::running) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Alive and not a zombie: the jail's init is reparented to the host's PID 1 when bwrap dies,
     * and waits there, dead, until PID 1 gets round to reaping it.
     */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        // bash may have exited with jobs still running in the jail: they go too.
        killTree();
        try {
            pty.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Attachment last;
        synchronized (lock) {
            last = attached;
            attached = null;
            finished = true;
        }
        input.clear();
        try {
            onEnd.accept(this);
        } finally {
            gone.countDown();
        }
        if (last != null) {
            last.screen().close(TerminalSocket.ENDED, endReason);
        }
    }
}

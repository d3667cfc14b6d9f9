package dev.dockstep.sandbox;

import dev.dockstep.common.Messages;
import dev.dockstep.common.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker of their own for every learner: a rootless daemon run as an unprivileged Linux user of
 * the learner's sandbox slot, with a private {@code DOCKER_CONFIG}, reached by the learner only
 * through a policy gate. Checks read the daemon's own socket through their read-only facade.
 *
 * <p>Lifecycle: a sandbox starts on the learner's first need, from a small pool of sandboxes
 * started ahead when one is ready; it stops after {@code idle} with no page, shell or traffic, and
 * keeps its data root, so it starts again with the learner's images. At most {@code max} run at
 * once; when all are taken, the least recently used one that no page or shell holds makes room,
 * and when every one is held the learner is told the host is full.
 *
 * <p>Files: {@code data/sandboxes/} holds {@code id} (names this server's Linux users),
 * {@code slots} (which learner has which slot: root's alone, since a slot's own folders are the
 * learner's to write) and one folder per slot (see {@link SlotDirs}).
 */
public final class PerLearnerSandboxes implements SandboxProvider {
    private static final Logger LOG = LoggerFactory.getLogger(PerLearnerSandboxes.class);

    /**
     * How the provider behaves.
     *
     * @param pool sandboxes kept started ahead for learners who have none yet
     * @param max sandboxes that may run at once, the pool included
     * @param idle how long a sandbox with no page, shell or traffic keeps running
     * @param startTimeout how long one sandbox may take to start
     */
    public record Options(int pool, int max, Duration idle, Duration startTimeout) {
        public static Options defaults() {
            return new Options(2, 100, Duration.ofMinutes(30), Duration.ofSeconds(60));
        }

        public Options withPool(int pool) {
            return new Options(pool, max, idle, startTimeout);
        }

        public Options withMax(int max) {
            return new Options(pool, max, idle, startTimeout);
        }

        public Options withIdle(Duration idle) {
            return new Options(pool, max, idle, startTimeout);
        }
    }

    /** Starts the policy gate in front of one learner's daemon. */
    @FunctionalInterface
    public interface Gates {
        Gate start(Path listen, Path daemonSocket, Set<String> registries, LinuxUsers.LinuxUser owner);
    }

    /** A running gate: how many requests it has passed on, for telling a used sandbox from an idle one. */
    public interface Gate extends AutoCloseable {
        long requests();

        @Override
        void close();
    }

    /** A started daemon, its gate, and the sandbox they make. */
    private record Running(int slot, RootlessDaemon daemon, Gate gate, SlotDirs dirs, LinuxUsers.LinuxUser user) {
        void stop() {
            try {
                gate.close();
            } finally {
                daemon.close();
            }
        }
    }

    /**
     * A sandbox taken out of service under the lock, to be stopped outside it. {@code gone}
     * completes once it has stopped: a new start of the same slot waits for it, or the two
     * daemons would share one data root.
     */
    private record Leaving(int slot, CompletableFuture<Running> running, CompletableFuture<Void> gone) {
    }

    /** What is known of one learner's sandbox; guarded by the provider's lock. */
    private static final class Entry {
        final String learner;
        int slot;
        CompletableFuture<Running> running;
        int holds;
        long lastUsed;
        long lastRequests;
        boolean resetting;

        Entry(String learner, int slot) {
            this.learner = learner;
            this.slot = slot;
        }
    }

    private final Path dir;
    private final RegistryService registry;
    private final Supplier<List<String>> setupImages;
    private final Options options;
    private final Gates gates;
    private final Clock clock;
    private final LinuxUsers users = new LinuxUsers();
    private final Object lock = new Object();
    private final Map<String, Entry> entries = new HashMap<>();
    /** Sandboxes started ahead, for learners who have none yet. */
    private final Deque<CompletableFuture<Running>> pool = new ArrayDeque<>();
    private final List<Integer> freeSlots = new ArrayList<>();
    /** Slots whose daemon is stopping, with what completes once it has. */
    private final Map<Integer, CompletableFuture<Void>> leaving = new HashMap<>();
    private final List<Consumer<String>> stoppedListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService starter = Executors.newFixedThreadPool(4, daemonThreads("sandbox-start"));
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(daemonThreads("sandbox-idle"));
    private String userPrefix;
    private int nextSlot = 1;
    private volatile String lastFailure;
    private volatile boolean closed;

    public PerLearnerSandboxes(Path dir, RegistryService registry, Supplier<List<String>> setupImages, Options options,
                               Gates gates, Clock clock) {
        this.dir = dir.toAbsolutePath().normalize();
        this.registry = registry;
        this.setupImages = setupImages;
        this.options = options;
        this.gates = gates;
        this.clock = clock;
    }

    @Override
    public String mode() {
        return "per-learner";
    }

    /**
     * Checks that this machine can run rootless sandboxes, stops what a killed server left running,
     * starts the registry and fills the pool in the background.
     */
    @Override
    public void start() {
        if (!LinuxUsers.isRoot()) {
            throw new SandboxException("per-learner sandboxes need dockstep to run as root (it creates a Linux user"
                    + " for each learner's Docker); run it as root, or use --sandbox shared on your own machine");
        }
        RootlessDaemon.missingTools().ifPresent(why -> {
            throw new SandboxException(why);
        });
        SlotDirs.tooDeep(dir.resolve("9999")).ifPresent(why -> {
            throw new SandboxException(why);
        });
        prepareFolder();
        synchronized (lock) {
            readSlots();
        }
        registry.start();
        synchronized (lock) {
            fillPool();
        }
        long every = Math.max(50, Math.min(options.idle().toMillis() / 4, 30_000));
        reaper.scheduleWithFixedDelay(this::stopIdle, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Sandbox forLearner(String learner) {
        return await(running(learner, true), learner);
    }

    @Override
    public CompletableFuture<Sandbox> prepare(String learner) {
        try {
            return running(learner, true).thenApply(r -> sandbox(learner, r));
        } catch (SandboxException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Optional<Sandbox> ifRunning(String learner) {
        synchronized (lock) {
            Entry entry = entries.get(learner);
            if (entry == null || entry.running == null || !entry.running.isDone()
                    || entry.running.isCompletedExceptionally()) {
                return Optional.empty();
            }
            // Looking is not using: it must not keep an idle sandbox running.
            return Optional.of(sandbox(learner, entry.running.join()));
        }
    }

    @Override
    public Lease hold(String learner) {
        synchronized (lock) {
            Entry entry = entry(learner);
            entry.holds++;
            entry.lastUsed = clock.millis();
        }
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) {
                synchronized (lock) {
                    Entry entry = entry(learner);
                    entry.holds--;
                    entry.lastUsed = clock.millis();
                }
            }
        };
    }

    @Override
    public void release(String learner) {
        Leaving stopped;
        synchronized (lock) {
            Entry entry = entries.get(learner);
            stopped = entry == null ? null : detach(entry);
        }
        stop(stopped);
    }

    @Override
    public Sandbox reset(String learner) {
        int slot;
        Leaving stopped;
        synchronized (lock) {
            Entry entry = entry(learner);
            stopped = detach(entry);
            slot = entry.slot;
            // Until the wipe is done, a start would find the old images: hold starts off.
            entry.resetting = true;
        }
        try {
            stop(stopped);
            if (slot != 0) {
                slotDirs(slot).wipeDocker();
            }
        } finally {
            synchronized (lock) {
                entry(learner).resetting = false;
            }
        }
        return forLearner(learner);
    }

    @Override
    public Map<String, Map<String, String>> health() {
        Map<String, Map<String, String>> parts = new LinkedHashMap<>();
        Map<String, String> docker = new LinkedHashMap<>();
        int running;
        int ready;
        synchronized (lock) {
            running = runningCount();
            ready = (int) pool.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        }
        String failure = lastFailure;
        docker.put("status", failure == null ? "ok" : "down");
        if (failure != null) {
            docker.put("reason", "the last sandbox failed to start: " + failure);
        }
        docker.put("mode", mode());
        docker.put("running", Integer.toString(running));
        docker.put("max", Integer.toString(options.max()));
        docker.put("ready", Integer.toString(ready));
        parts.put("docker", docker);
        parts.put("registry", registry.health());
        return parts;
    }

    @Override
    public void onStopped(Consumer<String> listener) {
        stoppedListeners.add(listener);
    }

    @Override
    public RegistryService registry() {
        return registry;
    }

    /** The Linux user names this server's sandboxes run as start with this; for tests that clean up. */
    public String userPrefix() {
        synchronized (lock) {
            return userPrefix;
        }
    }

    /** Every process of the learner's running sandbox: for tests and the benchmark's memory figure. */
    public List<ProcessHandle> processes(String learner) {
        synchronized (lock) {
            Entry entry = entries.get(learner);
            if (entry == null || entry.running == null || !entry.running.isDone()
                    || entry.running.isCompletedExceptionally()) {
                return List.of();
            }
            return entry.running.join().daemon().processes();
        }
    }

    @Override
    public void close() {
        List<Leaving> all = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (Entry entry : entries.values()) {
                if (entry.running != null) {
                    all.add(detach(entry));
                }
            }
            pool.forEach(spare -> all.add(new Leaving(0, spare, new CompletableFuture<>())));
            pool.clear();
        }
        reaper.shutdownNow();
        starter.shutdown();
        try {
            all.forEach(this::stop);
            starter.shutdownNow();
        } finally {
            registry.close();
        }
    }

    // --- starting

    /** The learner's running sandbox, starting it (or taking one from the pool) if need be. */
    private CompletableFuture<Running> running(String learner, boolean touch) {
        CompletableFuture<Running> known;
        synchronized (lock) {
            known = usable(learner, touch).running;
        }
        // The common case, decided outside the lock: whether the daemon lives is a question to the
        // kernel, and every page view asks it. Under the lock, 64 page views at once queued on it.
        if (known != null && known.isDone() && !known.isCompletedExceptionally() && known.join().daemon().isAlive()) {
            return known;
        }
        return start(learner, touch);
    }

    /** The learner's entry, if the server and their sandbox can take a request now; call under the lock. */
    private Entry usable(String learner, boolean touch) {
        if (closed) {
            throw new SandboxException("the server is stopping");
        }
        Entry entry = entry(learner);
        if (entry.resetting) {
            throw new SandboxException("your sandbox is being reset; try again in a moment");
        }
        if (touch) {
            entry.lastUsed = clock.millis();
        }
        return entry;
    }

    /** {@link #running} when the sandbox is not running, or is starting: decided under the lock. */
    private CompletableFuture<Running> start(String learner, boolean touch) {
        List<Leaving> evicted = new ArrayList<>();
        CompletableFuture<Running> future;
        synchronized (lock) {
            Entry entry = usable(learner, touch);
            future = entry.running;
            if (future != null && future.isDone() && (future.isCompletedExceptionally() || !future.join().daemon().isAlive())) {
                // A sandbox that failed to start, or whose daemon died since: start it again.
                if (!future.isCompletedExceptionally()) {
                    LOG.warn("the sandbox of {} stopped by itself; starting it again", learner);
                }
                // Whatever is left of it (its gate, a child that outlived RootlessKit) goes first.
                evicted.add(detach(entry));
                future = null;
            }
            if (future == null) {
                if (entry.slot == 0 && takeFromPool(entry)) {
                    future = entry.running;
                } else {
                    if (runningCount() >= options.max()) {
                        Leaving made = makeRoom(learner);
                        if (made == null) {
                            throw new SandboxException("This classroom server is full: all " + options.max()
                                    + " sandboxes are in use. Try again in a few minutes, or ask your instructor.");
                        }
                        evicted.add(made);
                    }
                    if (entry.slot == 0) {
                        entry.slot = newSlot();
                        writeSlots();
                    }
                    int slot = entry.slot;
                    future = CompletableFuture.supplyAsync(() -> startSlot(slot), starter);
                    entry.running = future;
                }
                fillPool();
            }
        }
        evicted.forEach(this::stopLater);
        return future;
    }

    /** Gives the learner a started sandbox from the pool, if one is ready. */
    private boolean takeFromPool(Entry entry) {
        for (var it = pool.iterator(); it.hasNext(); ) {
            CompletableFuture<Running> ready = it.next();
            if (ready.isDone() && !ready.isCompletedExceptionally() && ready.join().daemon().isAlive()) {
                it.remove();
                entry.slot = ready.join().slot();
                entry.running = ready;
                writeSlots();
                return true;
            }
        }
        return false;
    }

    /** Starts pool sandboxes until the pool is full or the host is. */
    private void fillPool() {
        pool.removeIf(f -> f.isCompletedExceptionally());
        while (!closed && pool.size() < options.pool() && runningCount() < options.max()) {
            int slot = freeSlots.isEmpty() ? newSlot() : freeSlots.remove(0);
            pool.add(CompletableFuture.supplyAsync(() -> startSlot(slot), starter));
        }
    }

    /** Starts one slot's daemon and gate, with the lessons' images. */
    private Running startSlot(int slot) {
        CompletableFuture<Void> prior;
        synchronized (lock) {
            prior = leaving.get(slot);
        }
        if (prior != null) {
            try {
                prior.get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while the sandbox's last daemon stopped", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new SandboxException("the sandbox's last daemon did not stop in time; try again in a moment", e);
            }
        }
        long began = System.nanoTime();
        SlotDirs dirs = slotDirs(slot);
        RootlessDaemon daemon = null;
        try {
            LinuxUsers.LinuxUser user = users.ensure(userPrefix() + slot, dirs.home());
            dirs.create(user);
            daemon = RootlessDaemon.start(dirs, user, options.startTimeout());
            OfflineImages.seed(daemon.dockerHost(), setupImages.get());
            Gate gate = gates.start(dirs.gateSocket(), dirs.daemonSocket(), registry.addresses(), user);
            lastFailure = null;
            LOG.info("sandbox {} ready in {} ms", slot, (System.nanoTime() - began) / 1_000_000);
            return new Running(slot, daemon, gate, dirs, user);
        } catch (RuntimeException e) {
            if (daemon != null) {
                daemon.close();
            }
            lastFailure = e.getMessage();
            LOG.warn("sandbox {} could not start: {}", slot, e.getMessage());
            throw e instanceof SandboxException ? e : new SandboxException("the sandbox could not start: "
                    + Messages.rootLine(e), e);
        }
    }

    /**
     * Takes a pool sandbox, or else the least recently used one that no page or shell holds, out
     * of service to make room; null when every sandbox is held.
     */
    private Leaving makeRoom(String forLearner) {
        CompletableFuture<Running> spare = pool.pollLast();
        if (spare != null) {
            // Its slot is free again once it has stopped, not before.
            CompletableFuture<Void> gone = new CompletableFuture<>();
            gone.thenRun(() -> spare.thenAccept(r -> {
                synchronized (lock) {
                    freeSlots.add(r.slot());
                }
            }));
            return new Leaving(0, spare, gone);
        }
        Optional<Entry> idlest = entries.values().stream()
                .filter(e -> !e.learner.equals(forLearner) && e.running != null && e.holds == 0)
                .min(Comparator.comparingLong(e -> e.lastUsed));
        if (idlest.isEmpty()) {
            return null;
        }
        LOG.info("the host is full; stopping the sandbox of {}, unused for {} s", idlest.get().learner,
                (clock.millis() - idlest.get().lastUsed) / 1000);
        return detach(idlest.get());
    }

    // --- stopping

    /** Stops sandboxes with no page, shell or gate traffic for {@link Options#idle}. */
    private void stopIdle() {
        try {
            stopIdleNow();
        } catch (RuntimeException e) {
            // The reaper must outlive any one failure, or idle sandboxes would run for ever.
            LOG.warn("stopping idle sandboxes failed: {}", e.toString(), e);
        }
    }

    private void stopIdleNow() {
        List<Leaving> idle = new ArrayList<>();
        synchronized (lock) {
            long now = clock.millis();
            for (Entry entry : entries.values()) {
                if (entry.running == null || !entry.running.isDone() || entry.running.isCompletedExceptionally()) {
                    continue;
                }
                long requests = entry.running.join().gate().requests();
                if (requests != entry.lastRequests) {
                    entry.lastRequests = requests;
                    entry.lastUsed = now;
                }
                if (entry.holds == 0 && now - entry.lastUsed >= options.idle().toMillis()) {
                    LOG.info("stopping the idle sandbox of {}", entry.learner);
                    idle.add(detach(entry));
                }
            }
        }
        idle.forEach(this::stop);
    }

    /** Takes the entry's sandbox out of service; the caller stops it, outside the lock. */
    private Leaving detach(Entry entry) {
        CompletableFuture<Running> future = entry.running;
        entry.running = null;
        entry.lastRequests = 0;
        if (future == null) {
            return null;
        }
        CompletableFuture<Void> gone = new CompletableFuture<>();
        leaving.put(entry.slot, gone);
        return new Leaving(entry.slot, future, gone);
    }

    /** Stops a sandbox once it has started (one that failed to start left nothing running). */
    private void stop(Leaving leaving) {
        if (leaving == null) {
            return;
        }
        try {
            Running running = leaving.running().get(options.startTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            String dockerHost = running.daemon().dockerHost();
            running.stop();
            stoppedListeners.forEach(listener -> listener.accept(dockerHost));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // It never started: nothing runs. A start still under way is stopped by its pid file.
        } finally {
            synchronized (lock) {
                this.leaving.remove(leaving.slot(), leaving.gone());
            }
            leaving.gone().complete(null);
        }
    }

    private void stopLater(Leaving leaving) {
        CompletableFuture.runAsync(() -> stop(leaving));
    }

    // --- bookkeeping

    private Entry entry(String learner) {
        return entries.computeIfAbsent(learner, name -> new Entry(name, 0));
    }

    private int runningCount() {
        return (int) entries.values().stream().filter(e -> e.running != null).count() + pool.size();
    }

    private int newSlot() {
        return nextSlot++;
    }

    private SlotDirs slotDirs(int slot) {
        return new SlotDirs(dir.resolve(Integer.toString(slot)));
    }

    private Sandbox sandbox(String learner, Running running) {
        SlotDirs dirs = running.dirs();
        return new Sandbox(learner, running.daemon().dockerHost(), "unix://" + dirs.gateSocket(), dirs.config(),
                registry.address(), registry.apiUrl(), Optional.of(running.user()), dirs.home());
    }

    private Sandbox await(CompletableFuture<Running> future, String learner) {
        try {
            return sandbox(learner, future.get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof SandboxException s ? s : new SandboxException("your sandbox could not start: "
                    + Messages.rootLine(cause), cause);
        } catch (TimeoutException e) {
            throw new SandboxException("your sandbox did not start within " + options.startTimeout().toSeconds()
                    + " s; try again in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while your sandbox started");
        }
    }

    /**
     * Makes {@code data/sandboxes/} and the data folder root's and traversable, not readable (the
     * slots' users reach their own folders through them), and checks that every folder above lets
     * them through too.
     */
    private void prepareFolder() {
        try {
            Files.createDirectories(dir);
            for (Path own : List.of(dir, dir.getParent())) {
                Set<PosixFilePermission> modes = new java.util.HashSet<>(Files.getPosixFilePermissions(own));
                modes.removeAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE));
                modes.addAll(Set.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(own, modes);
            }
            for (Path up = dir.getParent().getParent(); up != null; up = up.getParent()) {
                Set<PosixFilePermission> modes = Files.getPosixFilePermissions(up);
                if (!modes.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new SandboxException("the folder " + up + " does not let other users through (it is "
                            + PosixFilePermissions.toString(modes) + "), so the sandboxes' users cannot reach their"
                            + " folders; choose a --data folder outside it, or run chmod o+x " + up);
                }
            }
            Path id = dir.resolve("id");
            if (!Files.exists(id)) {
                // Names this server's Linux users: two servers on one machine never share one.
                String fresh = "ds" + Tokens.hex(3).substring(0, 5) + "s";
                Files.writeString(id, fresh, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(id, PosixFilePermissions.fromString("rw-------"));
            }
            synchronized (lock) {
                userPrefix = Files.readString(id, StandardCharsets.UTF_8).strip();
            }
            if (!userPrefix.matches("ds[a-z0-9]{5}s")) {
                throw new SandboxException(id + " does not hold a sandbox user prefix; delete it to make a new one");
            }
        } catch (IOException e) {
            throw new SandboxException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads which learner has which slot, and stops every daemon a killed server left running. */
    private void readSlots() {
        Path file = dir.resolve("slots");
        Set<Integer> assigned = new java.util.HashSet<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] parts = line.strip().split(" ");
                    if (parts.length == 2 && parts[1].matches("[0-9]{1,6}")) {
                        int slot = Integer.parseInt(parts[1]);
                        entries.put(parts[0], new Entry(parts[0], slot));
                        assigned.add(slot);
                    }
                }
            }
            try (var folders = Files.list(dir)) {
                for (Path folder : folders.toList()) {
                    String name = folder.getFileName().toString();
                    if (name.matches("[0-9]{1,6}") && Files.isDirectory(folder)) {
                        int slot = Integer.parseInt(name);
                        RootlessDaemon.stopLeftover(slotDirs(slot));
                        nextSlot = Math.max(nextSlot, slot + 1);
                        if (!assigned.contains(slot)) {
                            freeSlots.add(slot);
                        }
                    }
                }
            }
            freeSlots.sort(null);
            for (int slot : assigned) {
                nextSlot = Math.max(nextSlot, slot + 1);
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes which learner has which slot, replacing the file at once. */
    private void writeSlots() {
        StringBuilder text = new StringBuilder();
        entries.values().stream().filter(e -> e.slot != 0).sorted(Comparator.comparingInt(e -> e.slot))
                .forEach(e -> text.append(e.learner).append(' ').append(e.slot).append('\n'));
        Path file = dir.resolve("slots");
        try {
            Path temp = Files.createTempFile(dir, ".slots", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}

package dev.dockstep;

import dev.dockstep.account.Accounts;
import dev.dockstep.account.SignInThrottle;
import dev.dockstep.check.Credentials;
import dev.dockstep.check.Daemons;
import dev.dockstep.steps.LiveVerifier;
import dev.dockstep.check.RegistryClient;
import dev.dockstep.steps.OpenSteps;
import dev.dockstep.steps.SandboxTargets;
import dev.dockstep.steps.StepChecker;
import dev.dockstep.check.Verifier;
import dev.dockstep.files.PrivateFiles;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LiveCatalog;
import dev.dockstep.lesson.Problem;
import dev.dockstep.lesson.Variables;
import dev.dockstep.lesson.LessonRenderer;
import dev.dockstep.db.Database;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.registry.AccessTokens;
import dev.dockstep.registry.RegistryLogins;
import dev.dockstep.registry.Repositories;
import dev.dockstep.registry.RepositoryBrowser;
import dev.dockstep.registry.token.DeferredDirectory;
import dev.dockstep.sandbox.DockerGate;
import dev.dockstep.sandbox.PerLearnerSandboxes;
import dev.dockstep.sandbox.RegistryService;
import dev.dockstep.sandbox.SandboxException;
import dev.dockstep.sandbox.SandboxInfo;
import dev.dockstep.sandbox.SandboxProvider;
import dev.dockstep.sandbox.SingleSandbox;
import dev.dockstep.terminal.SandboxShells;
import dev.dockstep.terminal.TerminalLimits;
import dev.dockstep.terminal.TerminalSocket;
import dev.dockstep.terminal.Terminals;
import dev.dockstep.web.Health;
import dev.dockstep.web.RegistryPages;
import dev.dockstep.web.WebServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Wires dockstep together through constructors. {@link #create} builds everything and starts
 * nothing; {@link #start} starts the sandbox and the web server; {@link #stop} undoes it all.
 */
public final class App {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(App.class);
    private static final int MAX_CONCURRENT_CHECKS = 16;

    private final Config config;
    private final LiveCatalog catalog;
    private final Database store;
    private final SandboxProvider sandboxes;
    private final Daemons daemons;
    private final Javalin web;
    private final PrintStream out;
    private final DataLock lock;
    private final LiveVerifier live;
    private final WebServer server;
    private final Terminals terminals;
    /** The sandbox provider starting in the background ({@link #launch}), or null when {@link #start} starts it. */
    private final CompletableFuture<Void> sandboxStarting;

    private App(Config config, DataLock lock, LiveCatalog catalog, Database store, SandboxProvider sandboxes,
                CompletableFuture<Void> sandboxStarting, Daemons daemons, LiveVerifier live, Terminals terminals,
                WebServer server, PrintStream out) {
        this.sandboxStarting = sandboxStarting;
        this.terminals = terminals;
        this.live = live;
        this.config = config;
        this.lock = lock;
        this.catalog = catalog;
        this.store = store;
        this.sandboxes = sandboxes;
        this.daemons = daemons;
        this.server = server;
        this.web = server.create();
        this.out = out;
    }

    /**
     * Loads the lessons, opens the progress database and builds the server, without starting it.
     *
     * @param env the process environment ({@code DOCKER_HOST}, {@code DOCKER_CONFIG} in host mode)
     * @param out where start-up messages and warnings go
     * @throws StartupException when the data folder cannot be used
     */
    public static App create(Config config, Map<String, String> env, PrintStream out) {
        return create(config, env, out, false);
    }

    /**
     * Creates and starts dockstep, as {@code dockstep serve} does. The sandboxes' shared parts (the
     * registry, a daemon or a pool, the lessons' images) start in the background while the
     * database opens and the server is wired, which is most of start-up's time.
     *
     * @throws StartupException with one line saying what failed
     */
    public static App launch(Config config, Map<String, String> env, PrintStream out) {
        requirePort(config);
        App app = create(config, env, out, true);
        app.start();
        return app;
    }

    private static App create(Config config, Map<String, String> env, PrintStream out, boolean sandboxAtOnce) {
        long began = System.nanoTime();
        // From the process's start as the kernel records it: JMX would load a hundred classes for this.
        ProcessHandle.current().info().startInstant().ifPresent(started -> LOG.info("the process has been up {} ms",
                Duration.between(started, java.time.Instant.now()).toMillis()));
        try {
            Path data = config.dataDir().toAbsolutePath().normalize();
            prepareDataDir(data, config.sandbox() == Config.SandboxMode.PER_LEARNER);
            DataLock lock = DataLock.acquire(data);
            try {
                return create(config, lock, data, env, out, sandboxAtOnce);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        } finally {
            LOG.info("prepared in {} ms (lessons, database, wiring)", millis(began));
        }
    }

    private static App create(Config config, DataLock lock, Path data, Map<String, String> env, PrintStream out,
                              boolean sandboxAtOnce) {
        LiveCatalog catalog = new LiveCatalog(config.lessonsDir(), Verifier.ARGUMENTS);
        catalog.get().problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR)
                .forEach(problem -> out.println("warning: " + problem + " (the lesson is not served)"));
        // The registry's token server starts with the sandboxes, before the database is open; it
        // asks the accounts, access tokens and repositories once they are wired.
        DeferredDirectory registryDirectory = new DeferredDirectory();
        SandboxProvider sandboxes = sandboxes(config, data, env, catalog, registryDirectory);
        CompletableFuture<Void> sandboxStarting = null;
        if (sandboxAtOnce) {
            sandboxStarting = CompletableFuture.runAsync(() -> startSandboxes(sandboxes, data), App::daemonThread);
        }
        try {
            return wire(config, lock, catalog, sandboxes, sandboxStarting, registryDirectory, out);
        } catch (RuntimeException e) {
            if (sandboxStarting != null) {
                sandboxStarting.handle((ok, failed) -> null).join();
            }
            sandboxes.close();
            throw e;
        }
    }

    /** The provider that {@code --sandbox} names, planned but not started. */
    private static SandboxProvider sandboxes(Config config, Path data, Map<String, String> env, LiveCatalog catalog,
                                             DeferredDirectory registryDirectory) {
        RegistryService registry = config.dockerHub() ? RegistryService.hub()
                : RegistryService.practice(data.resolve("registry"), config.registryBinary(), config.registryPort(),
                        config.companyRegistryPort() == 0 ? dev.dockstep.sandbox.Ports.free() : config.companyRegistryPort(),
                        registryDirectory);
        java.util.function.Supplier<java.util.List<String>> images = () -> catalog.get().setupImages();
        return switch (config.sandbox()) {
            case PER_LEARNER -> new PerLearnerSandboxes(data.resolve("sandboxes"), registry, images, config.sandboxes(),
                    DockerGate::forSandbox, Clock.systemUTC());
            case SHARED -> SingleSandbox.shared(data, config.dockerdBinary(), registry, images);
            case HOST -> SingleSandbox.host(env, registry, images);
        };
    }

    private static App wire(Config config, DataLock lock, LiveCatalog catalog, SandboxProvider sandboxes,
                            CompletableFuture<Void> sandboxStarting, DeferredDirectory registryDirectory,
                            PrintStream out) {
        Database db;
        long dbStart = System.nanoTime();
        try {
            db = Database.open(config.databaseUrl());
            LOG.info("database ready in {} ms", millis(dbStart));
        } catch (Database.StoreException e) {
            throw new StartupException(e.getMessage(), e);
        }
        ProgressStore store = new ProgressStore(db);
        RegistryService registry = sandboxes.registry();
        // Checks answer image lookups from memory while the live verifier follows each daemon's events.
        Daemons daemons = new Daemons(config.checkDeadline());
        sandboxes.onStopped(daemons::forget);
        SandboxTargets targets = new SandboxTargets(sandboxes, daemons);
        // Checks read the registry as a service identity that may only pull.
        RegistryClient registryClient = new RegistryClient(host -> registry.addresses().contains(host)
                ? registry.checksIdentity().map(a -> new Credentials(a.user(), a.secret())) : Optional.empty(),
                config.checkDeadline());
        StepChecker checker = new StepChecker(new Verifier(config.checkDeadline(), MAX_CONCURRENT_CHECKS),
                registryClient, targets, store, Clock.systemUTC(),
                learner -> Variables.forRegistries(learner.name(), registry.address(), registry.companyAddress()),
                new OpenSteps(store, catalog));
        Accounts accounts = new Accounts(db, Clock.systemUTC(), new SignInThrottle(Clock.systemUTC()));
        // docker login to the practice registry takes a learner's dockstep password or one of their access tokens.
        AccessTokens accessTokens = new AccessTokens(db, Clock.systemUTC());
        Repositories repositories = new Repositories(db, Clock.systemUTC());
        registryDirectory.become(new RegistryLogins(accounts, accessTokens, repositories,
                new SignInThrottle(Clock.systemUTC())));
        RepositoryBrowser browser = new RepositoryBrowser(new RegistryClient(host -> host.equals(registry.address())
                ? registry.pagesIdentity().map(a -> new Credentials(a.user(), a.secret())) : Optional.empty(),
                config.checkDeadline()), registry.address(), repositories);
        LiveVerifier live = new LiveVerifier(daemons, targets, catalog, checker);
        WebServer server = new WebServer(catalog, new LessonRenderer(), checker,
                new Health(sandboxes::health, store, config.limits().heapLimit()), sandboxes, accounts, store, live,
                registry.dockerHub() ? Optional.empty() : Optional.of(new RegistryPages.Services(accessTokens, browser)),
                Optional.ofNullable(config.publicUrl()), config.limits());
        catalog.onChange(server::lessonsChanged);
        Path data = config.dataDir().toAbsolutePath().normalize();
        Terminals terminals = new Terminals(new SandboxShells(sandboxes, data, config.host()), TerminalLimits.defaults());
        server.terminal(new TerminalSocket(terminals, token -> accounts.learnerFor(token).map(l -> l.name())));
        return new App(config, lock, catalog, db, sandboxes, sandboxStarting, daemons, live, terminals, server, out);
    }

    /**
     * Starts the sandboxes and serves HTTP.
     *
     * @throws StartupException with one line saying what failed
     */
    public void start() {
        long began = System.nanoTime();
        try {
            requirePort(config);
        } catch (StartupException e) {
            stop();
            throw e;
        }
        try {
            if (sandboxStarting == null) {
                startSandboxes(sandboxes, config.dataDir().toAbsolutePath().normalize());
            } else {
                sandboxStarting.join();
            }
        } catch (SandboxException | java.util.concurrent.CompletionException e) {
            stop();
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new StartupException(cause.getMessage(), cause);
        }
        long sandboxReady = System.nanoTime();
        try {
            if (config.watch()) {
                catalog.watch();
            }
            long webBegan = System.nanoTime();
            web.start(config.host(), config.port());
            live.start(server::stepPassed);
            LOG.info("started in {} ms: waiting for the sandboxes {} ms, web {} ms", millis(began),
                    millis(began) - millis(sandboxReady), millis(webBegan));
        } catch (RuntimeException e) {
            stop();
            if (causedBy(e, BindException.class)) {
                throw new StartupException("port " + config.port() + " is already in use; stop what uses it or"
                        + " choose another with --port", e);
            }
            throw new StartupException("the web server could not start: " + e.getMessage(), e);
        } catch (IOException e) {
            stop();
            throw new StartupException("cannot watch " + config.lessonsDir() + " for changes: " + e.getMessage(), e);
        }
    }

    private static void startSandboxes(SandboxProvider sandboxes, Path data) {
        long began = System.nanoTime();
        sandboxes.start();
        guard(data);
        LOG.info("{} sandboxes ready in {} ms", sandboxes.mode(), millis(began));
    }

    /**
     * Makes what the sandboxes' start put in the data folder private to dockstep; the per-learner
     * sandboxes' folder stays passable, as their users need.
     */
    private static void guard(Path data) {
        try {
            PrivateFiles.restrictChildren(data, java.util.Set.of(data.resolve("sandboxes")));
        } catch (IOException e) {
            throw new SandboxException("cannot make the data folder " + data + " private: " + e.getMessage(), e);
        }
    }

    private static void requirePort(Config config) {
        if (config.port() != 0 && !portIsFree(config.host(), config.port())) {
            throw new StartupException("port " + config.port() + " is already in use; stop what uses it or"
                    + " choose another with --port", null);
        }
    }

    /** Stops the web server, every sandbox and the registry, and closes the database. */
    public void stop() {
        if (sandboxStarting != null) {
            // Let a start in the background finish before stopping what it started.
            sandboxStarting.handle((ok, failed) -> null).join();
        }
        try {
            web.stop();
        } finally {
            terminals.close();
            live.close();
            catalog.close();
            sandboxes.close();
            daemons.close();
            store.close();
            lock.close();
        }
    }

    /** The port the server listens on (the real one when 0 was asked for). */
    public int port() {
        return web.port();
    }

    /** Every learner's sandbox. */
    public SandboxProvider sandboxes() {
        return sandboxes;
    }

    /** The one sandbox everyone shares, in the shared and host modes. */
    public Optional<SandboxInfo> sharedSandbox() {
        return sandboxes instanceof SingleSandbox single ? Optional.of(single.info()) : Optional.empty();
    }

    public Catalog catalog() {
        return catalog.get();
    }

    private static Thread daemonThread(Runnable runnable) {
        Thread thread = new Thread(runnable, "sandbox-start");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** @param passable whether other users (per-learner sandboxes' users) must pass through it */
    private static void prepareDataDir(Path data, boolean passable) {
        try {
            PrivateFiles.dataFolder(data, passable ? PrivateFiles.TRAVERSE : PrivateFiles.DATA_FOLDER);
            Path probe = Files.createTempFile(data, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StartupException("the data folder " + data + " cannot be written (" + describe(e)
                    + "); choose another with --data", e);
        }
    }

    
    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file stands where a folder should be: " + e.getMessage();
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + ": " + fs.getFile();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static boolean portIsFree(String host, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}

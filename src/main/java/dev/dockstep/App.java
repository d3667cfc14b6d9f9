package dev.dockstep;

import dev.dockstep.account.Accounts;
import dev.dockstep.account.SignInThrottle;
import dev.dockstep.check.Credentials;
import dev.dockstep.check.DockerFacts;
import dev.dockstep.check.ImageIndex;
import dev.dockstep.check.LiveVerifier;
import dev.dockstep.check.RegistryClient;
import dev.dockstep.check.StepChecker;
import dev.dockstep.check.Verifier;
import dev.dockstep.files.PrivateFiles;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LiveCatalog;
import dev.dockstep.lesson.Problem;
import dev.dockstep.lesson.Variables;
import dev.dockstep.lesson.LessonRenderer;
import dev.dockstep.progress.Database;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.sandbox.LocalSandbox;
import dev.dockstep.sandbox.SandboxException;
import dev.dockstep.sandbox.SandboxInfo;
import dev.dockstep.web.Health;
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

/**
 * Wires dockstep together through constructors. {@link #create} builds everything and starts
 * nothing; {@link #start} starts the sandbox and the web server; {@link #stop} undoes it all.
 */
public final class App {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(App.class);
    private final Config config;
    private final LiveCatalog catalog;
    private final Database store;
    private final LocalSandbox sandbox;
    private final DockerFacts docker;
    private final Javalin web;
    private final PrintStream out;
    private final DataLock lock;
    private final LiveVerifier live;
    /** The sandbox starting in the background ({@link #launch}), or null when {@link #start} starts it. */
    private final java.util.concurrent.CompletableFuture<Void> sandboxStarting;
    private static final int MAX_CONCURRENT_CHECKS = 16;

    private App(Config config, DataLock lock, LiveCatalog catalog, Database store, LocalSandbox sandbox,
                java.util.concurrent.CompletableFuture<Void> sandboxStarting, DockerFacts docker, LiveVerifier live,
                Javalin web, PrintStream out) {
        this.sandboxStarting = sandboxStarting;
        this.live = live;
        this.config = config;
        this.lock = lock;
        this.catalog = catalog;
        this.store = store;
        this.sandbox = sandbox;
        this.docker = docker;
        this.web = web;
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
     * Creates and starts dockstep, as {@code dockstep serve} does. The sandbox (a daemon, a
     * registry, the lessons' images) starts in the background while the database opens and the
     * server is wired, which is most of start-up's time.
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
            prepareDataDir(data);
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
        LiveCatalog catalog = new LiveCatalog(config.lessonsDir());
        catalog.get().problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR)
                .forEach(problem -> out.println("warning: " + problem + " (the lesson is not served)"));
        LocalSandbox sandbox = new LocalSandbox(config.sandbox() == Config.SandboxMode.MANAGED, config.dockerHub(), data,
                config.dockerdBinary(), config.registryBinary(), config.registryPort(), env);
        java.util.concurrent.CompletableFuture<Void> sandboxStarting = null;
        if (sandboxAtOnce) {
            sandboxStarting = new java.util.concurrent.CompletableFuture<>();
            var starting = sandboxStarting;
            Thread thread = new Thread(() -> {
                try {
                    startSandbox(sandbox, catalog, data, out);
                    starting.complete(null);
                } catch (Throwable e) {
                    starting.completeExceptionally(e);
                }
            }, "sandbox-start");
            thread.setDaemon(true);
            thread.start();
        }
        try {
            return wire(config, lock, catalog, sandbox, sandboxStarting, out);
        } catch (RuntimeException e) {
            if (sandboxStarting != null) {
                sandboxStarting.handle((ok, failed) -> null).join();
            }
            sandbox.close();
            throw e;
        }
    }

    private static App wire(Config config, DataLock lock, LiveCatalog catalog, LocalSandbox sandbox,
                            java.util.concurrent.CompletableFuture<Void> sandboxStarting, PrintStream out) {
        Database db;
        long dbStart = System.nanoTime();
        try {
            db = Database.open(config.databaseUrl());
            LOG.info("database ready in {} ms", millis(dbStart));
        } catch (Database.StoreException e) {
            throw new StartupException(e.getMessage(), e);
        }
        ProgressStore store = new ProgressStore(db);
        // Checks answer image lookups from memory while the live verifier follows Docker's events.
        ImageIndex images = new ImageIndex();
        DockerFacts docker = new DockerFacts(sandbox.info().dockerHost(), config.checkDeadline(), images);
        RegistryClient registry = new RegistryClient(host -> host.equals(sandbox.info().registry())
                ? sandbox.serviceAccount().map(a -> new Credentials(a.user(), a.password())) : Optional.empty(),
                config.checkDeadline());
        StepChecker checker = new StepChecker(new Verifier(config.checkDeadline(), MAX_CONCURRENT_CHECKS), docker,
                registry, sandbox.info().dockerConfig(), store, Clock.systemUTC(),
                learner -> Variables.forRegistry(learner.name(), sandbox.info().registry()));
        // A learner's practice-registry password starts as their dockstep password.
        Accounts accounts = new Accounts(db, Clock.systemUTC(), new SignInThrottle(Clock.systemUTC()),
                config.dockerHub() ? (name, password) -> { } : sandbox::setPassword);
        WebServer server = new WebServer(catalog, new LessonRenderer(), checker,
                new Health(docker, config.dockerHub() ? "https://registry-1.docker.io/v2/"
                        : "http://127.0.0.1:" + sandbox.registryPort() + "/v2/", store, config.limits().heapLimit()),
                sandbox.info(), accounts, store, sandbox::setPassword, Optional.ofNullable(config.publicUrl()),
                config.limits());
        catalog.onChange(server::lessonsChanged);
        // Following events needs a long-lived connection; it gets a facade of its own.
        LiveVerifier live = new LiveVerifier(new DockerFacts(sandbox.info().dockerHost(), Duration.ofDays(1)), images,
                sandbox.info().dockerConfig(), catalog, checker, server::openLessons, server::stepPassed);
        return new App(config, lock, catalog, db, sandbox, sandboxStarting, docker, live, server.create(), out);
    }

    /**
     * Starts the sandbox, prepares the lessons' images and serves HTTP.
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
                startSandbox(sandbox, catalog, config.dataDir().toAbsolutePath().normalize(), out);
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
            live.start();
            LOG.info("started in {} ms: waiting for the sandbox {} ms, web {} ms", millis(began),
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

    /** Starts the daemon and the registry, then loads the lessons' images (a failure there only warns). */
    private static void startSandbox(LocalSandbox sandbox, LiveCatalog catalog, Path data, PrintStream out) {
        long began = System.nanoTime();
        sandbox.start();
        guard(data);
        long started = System.nanoTime();
        try {
            sandbox.seed(catalog.get().setupImages());
        } catch (SandboxException e) {
            out.println("warning: " + e.getMessage());
        }
        LOG.info("sandbox ready in {} ms (daemon and registry {} ms, lesson images {} ms)", millis(began),
                (started - began) / 1_000_000, millis(started));
    }

    private static void requirePort(Config config) {
        if (config.port() != 0 && !portIsFree(config.host(), config.port())) {
            throw new StartupException("port " + config.port() + " is already in use; stop what uses it or"
                    + " choose another with --port", null);
        }
    }

    /** Stops the web server, the registry and the managed daemon, and closes the database. */
    public void stop() {
        if (sandboxStarting != null) {
            // Let a start in the background finish before stopping what it started.
            sandboxStarting.handle((ok, failed) -> null).join();
        }
        try {
            web.stop();
        } finally {
            live.close();
            catalog.close();
            sandbox.close();
            docker.close();
            store.close();
            lock.close();
        }
    }

    /** The port the server listens on (the real one when 0 was asked for). */
    public int port() {
        return web.port();
    }

    public SandboxInfo sandbox() {
        return sandbox.info();
    }

    public Catalog catalog() {
        return catalog.get();
    }

    private static void prepareDataDir(Path data) {
        try {
            PrivateFiles.dataFolder(data);
            Path probe = Files.createTempFile(data, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StartupException("the data folder " + data + " cannot be written (" + describe(e)
                    + "); choose another with --data", e);
        }
    }

    /**
     * What the daemon, the registry and the database made in the data folder becomes readable by
     * dockstep only; what lies deeper is guarded by its private folder.
     */
    private static void guard(Path data) {
        try {
            PrivateFiles.restrictChildren(data);
        } catch (IOException e) {
            throw new SandboxException("cannot make the data folder " + data + " private: " + e.getMessage(), e);
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

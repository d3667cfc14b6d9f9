package dev.dockstep.web;

import dev.dockstep.account.Accounts;
import dev.dockstep.account.Learner;
import dev.dockstep.steps.LiveVerifier;
import dev.dockstep.steps.StepChecker;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LessonRenderer;
import dev.dockstep.progress.ClassReport;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.sandbox.SandboxProvider;
import dev.dockstep.terminal.TerminalSocket;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP side: builds an unstarted Javalin with every route in one table. */
public final class WebServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final long MAX_BODY = 64 * 1024;

    private final Auth auth;
    private final Guard guard;
    private final Limits limits;
    private final Pages pages;
    private final Api api;
    private final AccountPages accountPages;
    private final InstructorPages instructor;
    private final RegistryPages registry;
    private final Events events;
    private final LiveVerifier live;
    private final ThymeleafRenderer thymeleaf = new ThymeleafRenderer();
    private TerminalSocket terminal;

    /**
     * @param live told which lessons learners have open, so that their steps pass without a click
     * @param registry the practice registry's access tokens and repositories; empty for Docker Hub
     * @param publicUrl the address learners type ({@code --public-url}), if one was given
     * @param limits what any one visitor may make the server hold or do
     */
    public WebServer(Supplier<Catalog> catalog, LessonRenderer renderer, StepChecker checker, Health health,
                     SandboxProvider sandboxes, Accounts accounts, ProgressStore store, LiveVerifier live,
                     Optional<RegistryPages.Services> registry, Optional<URI> publicUrl, Limits limits) {
        RateLimits rates = new RateLimits(limits);
        this.live = live;
        this.limits = limits;
        this.events = new Events(limits);
        this.auth = new Auth(accounts);
        this.guard = new Guard(publicUrl);
        Prose prose = new Prose(renderer);
        this.pages = new Pages(catalog, renderer, thymeleaf::render, sandboxes, checker, store);
        this.api = new Api(catalog, checker, health, sandboxes, store, rates, prose);
        this.accountPages = new AccountPages(accounts, auth, rates, events);
        this.instructor = new InstructorPages(catalog, accounts, new ClassReport(store), prose);
        this.registry = new RegistryPages(registry);
        store.onChange(() -> events.toInstructors("progress-changed", Map.of()));
    }

    /** The browser terminal's WebSocket; set before {@link #create}, or {@code /terminal} is not served. */
    public WebServer terminal(TerminalSocket terminal) {
        this.terminal = terminal;
        return this;
    }

    /** Builds the server; {@code start(host, port)} is the caller's. */
    public Javalin create() {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_BODY;
            // Enough threads to keep two cores busy while checks wait on Docker; each costs memory.
            config.jetty.threadPool = new org.eclipse.jetty.util.thread.QueuedThreadPool(96, 8, 60_000);
            JettyLimits.apply(config.jetty, limits, MAX_BODY);
            config.events.serverStarted(events::start);
            config.events.serverStopping(events::close);
            config.fileRenderer(thymeleaf);
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/static";
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
            routes(config.routes);
        });
    }

    /** Every route dockstep serves. */
    private void routes(RoutesConfig r) {
        r.before(guard::headers);
        r.before(guard::knownHost);
        r.before(guard::sameOrigin);
        r.before(Guard::knownBody);
        r.before(auth::identify);
        r.before("/api/*", Guard::requireJson);
        r.before("/events", events::admit);

        r.get("/", pages::catalog);
        r.get("/courses/{course}", pages::course);
        r.get("/courses/{course}/{lesson}", pages::lesson);
        r.get("/signup", accountPages::signUpForm);
        r.post("/signup", accountPages::signUp);
        r.get("/login", accountPages::signInForm);
        r.post("/login", accountPages::signIn);
        r.post("/logout", accountPages::signOut);
        r.get("/account", accountPages::account);
        r.post("/account/sign-out-everywhere", accountPages::signOutEverywhere);
        r.get("/instructor", instructor::dashboard);
        r.get("/instructor/progress.csv", instructor::csv);
        r.get("/instructor/report", instructor::report);
        r.get("/instructor/learners/{learner}", instructor::learner);

        r.get("/healthz", api::health);
        r.post("/api/signup", accountPages::apiSignUp);
        r.post("/api/login", accountPages::apiSignIn);
        r.post("/api/logout", accountPages::apiSignOut);
        r.post("/api/logout-everywhere", accountPages::apiSignOutEverywhere);
        r.get("/api/me", accountPages::me);
        r.get("/api/courses", api::courses);
        r.get("/api/progress", api::progress);
        r.get("/api/sandbox", api::sandbox);
        r.post("/api/sandbox/reset", api::resetSandbox);
        r.post("/api/check/{course}/{lesson}/{step}", api::check);
        r.sse("/events", this::events);
        if (terminal != null) {
            r.wsBeforeUpgrade(TerminalSocket.PATH, terminal::beforeUpgrade);
            r.ws(TerminalSocket.PATH, terminal::configure);
        }

        // The practice registry, as Docker Hub has it: access tokens and repositories.
        r.get("/tokens", registry::tokensPage);
        r.post("/tokens", registry::createToken);
        r.post("/tokens/revoke", registry::revokeToken);
        r.get("/repositories", registry::repositoriesPage);
        r.post("/repositories", registry::createRepository);
        r.post("/repositories/visibility", registry::setVisibility);
        r.post("/repositories/delete-tag", registry::deleteTag);
        r.get("/repositories/<name>", registry::repositoryPage);
        r.get("/api/tokens", registry::apiTokens);
        r.post("/api/tokens", registry::apiCreateToken);
        r.post("/api/tokens/{id}/revoke", registry::apiRevokeToken);
        r.get("/api/repositories", registry::apiRepositories);
        r.post("/api/repositories", registry::apiCreateRepository);
        r.post("/api/repositories/visibility", registry::apiSetVisibility);
        r.post("/api/repositories/delete-tag", registry::apiDeleteTag);
        r.get("/api/repositories/<name>", registry::apiRepository);

        r.exception(Auth.SignInFirst.class, (e, ctx) -> {
            if (isApi(ctx)) {
                problem(ctx, 401, "Sign in first.");
            } else {
                ctx.redirect("/login?next=" + URLEncoder.encode(e.path, StandardCharsets.UTF_8));
            }
        });
        // Javalin's own NotFoundResponse, BadRequestResponse, …: each message is one sentence for the person.
        r.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> {
            String retryAfter = e.getDetails().get(RETRY_AFTER);
            if (retryAfter != null) {
                ctx.header("Retry-After", retryAfter);
            }
            problem(ctx, e.getStatus(), e.getStatus() == 413 ? "The request is larger than " + MAX_BODY / 1024
                    + " KB." : e.getMessage());
        });
        r.exception(Exception.class, (e, ctx) -> {
            Optional<ClientError> client = ClientError.of(e);
            if (client.isPresent()) {
                // The client's fault, and anyone can send one: a line at debug level, never a trace.
                LOG.debug("{} {}: {}", ctx.method(), ctx.path(), client.get().message());
                problem(ctx, client.get().status(), client.get().message());
                return;
            }
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            problem(ctx, 500, "Something went wrong on our side; the details are in the server's log.");
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                problem(ctx, 404, "There is no page at " + ctx.path() + ".");
            }
        });
    }

    /** A page's stream: while it is open, the learner's sandbox is followed for live passes. */
    private void events(io.javalin.http.sse.SseClient client) {
        var learner = Auth.learner(client.ctx());
        String course = client.ctx().queryParam("course");
        String lesson = client.ctx().queryParam("lesson");
        String address = client.ctx().ip();
        if (learner.isPresent() && course != null && lesson != null) {
            LiveVerifier.OpenLesson open = new LiveVerifier.OpenLesson(learner.get(), course, lesson);
            // Registered first, so that no step-passed of the watch can be sent before the stream is known.
            if (events.join(client, learner.get(), address, course, lesson, () -> live.closed(open))) {
                live.opened(open);
            }
        } else {
            events.join(client, learner.orElse(null), address, course, lesson, () -> { });
        }
    }

    /** Tells a learner's open pages that a step passed without a click. */
    public void stepPassed(Learner learner, String course, String lesson, String step) {
        events.toLearner(learner, "step-passed", Map.of("course", course, "lesson", lesson, "step", step));
    }

    /** Tells open pages that the lessons changed, so they show the new text at once. */
    public void lessonsChanged() {
        events.broadcast("lessons-changed", Map.of());
    }

    private static boolean isApi(Context ctx) {
        return ctx.path().startsWith("/api/") || ctx.path().equals("/healthz") || ctx.path().equals("/events")
                || ctx.path().startsWith("/instructor/report");
    }

    private static final String RETRY_AFTER = "retryAfter";

    /** Too much of something, too fast: a 429 whose Retry-After says when to try again. */
    static io.javalin.http.TooManyRequestsResponse tooManyRequests(String message, long retryAfterSeconds) {
        return new io.javalin.http.TooManyRequestsResponse(message, Map.of(RETRY_AFTER, Long.toString(retryAfterSeconds)));
    }

    static void problem(Context ctx, int status, String message) {
        ctx.status(status);
        if (isApi(ctx)) {
            ctx.json(Map.of("error", message));
        } else {
            ctx.render("error", Pages.model(ctx, Map.of("status", status, "message", message)));
        }
    }
}

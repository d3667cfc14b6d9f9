package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.check.StepChecker;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LessonRenderer;
import dev.dockstep.lesson.Variables;
import dev.dockstep.sandbox.SandboxInfo;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP side: builds an unstarted Javalin with every route in one table. */
public final class WebServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final long MAX_BODY = 64 * 1024;

    private final Pages pages;
    private final Api api;
    private final Events events = new Events();
    private final Learner learner;

    /**
     * @param registryAccounts sets a learner's password on the practice registry
     */
    public WebServer(Supplier<Catalog> catalog, LessonRenderer renderer, StepChecker checker, Health health,
                     SandboxInfo sandbox, Learner learner, RegistryAccounts registryAccounts) {
        Variables variables = Variables.forRegistry(learner.name(), sandbox.registry());
        this.learner = learner;
        this.pages = new Pages(catalog, renderer, sandbox, variables);
        this.api = new Api(catalog, checker, health, sandbox, learner, variables, registryAccounts);
    }

    /** Sets a practice-registry password; the web layer's view of the registry's accounts. */
    @FunctionalInterface
    public interface RegistryAccounts {
        void setPassword(String user, char[] password);
    }

    /** The lessons learners have open, for live verification. */
    public java.util.Set<dev.dockstep.check.LiveVerifier.OpenLesson> openLessons() {
        return events.openLessons();
    }

    /** Tells a learner's open pages that a step passed without a click. */
    public void stepPassed(Learner learner, String course, String lesson, String step) {
        events.toLearner(learner, "step-passed", Map.of("course", course, "lesson", lesson, "step", step));
    }

    /** Tells open pages that the lessons changed, so they show the new text at once. */
    public void lessonsChanged() {
        events.broadcast("lessons-changed", Map.of());
    }

    /** Builds the server; {@code start(host, port)} is the caller's. */
    public Javalin create() {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_BODY;
            config.fileRenderer(new ThymeleafRenderer());
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/static";
                files.location = Location.CLASSPATH;
            });
            routes(config.routes);
        });
    }

    /** Every route dockstep serves. */
    private void routes(RoutesConfig r) {
        r.before("/api/*", WebServer::refuseCrossSite);

        r.get("/", pages::catalog);
        r.get("/courses/{course}/{lesson}", pages::lesson);

        r.get("/healthz", api::health);
        r.get("/api/courses", api::courses);
        r.get("/api/sandbox", api::sandbox);
        r.post("/api/sandbox/password", api::registryPassword);
        r.post("/api/check/{course}/{lesson}/{step}", api::check);
        r.sse("/events", client -> events.join(client, learner,
                client.ctx().queryParam("course"), client.ctx().queryParam("lesson")));

        r.exception(NotFound.class, (e, ctx) -> problem(ctx, 404, e.getMessage()));
        r.exception(BadRequest.class, (e, ctx) -> problem(ctx, 400, e.getMessage()));
        r.exception(Forbidden.class, (e, ctx) -> problem(ctx, 403, e.getMessage()));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            problem(ctx, 500, "Something went wrong on our side; the details are in the server's log.");
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                problem(ctx, 404, "There is no page at " + ctx.path() + ".");
            }
        });
    }

    /**
     * Refuses a state-changing request sent from another site's page: its Origin must be ours, and
     * its body JSON, which a cross-site form cannot send without the browser asking us first.
     */
    private static void refuseCrossSite(Context ctx) {
        if (ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD")) {
            return;
        }
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        if (origin != null && host != null && !origin.replaceFirst("^https?://", "").equals(host)) {
            throw new Forbidden("Requests from other sites are refused.");
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BadRequest("Send the request as JSON, with Content-Type: application/json.");
        }
    }

    static void problem(Context ctx, int status, String message) {
        ctx.status(status);
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/healthz")) {
            ctx.json(Map.of("error", message));
        } else {
            ctx.render("error", Map.of("status", status, "message", message));
        }
    }

    /** A request that is not allowed; its message says why. */
    static final class Forbidden extends RuntimeException {
        Forbidden(String message) {
            super(message);
        }
    }

    /** Input that cannot be used; its message says what is wrong with it. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** A course, lesson or step that does not exist; its message names which. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}

package dev.dockstep.web;

import dev.dockstep.account.Accounts;
import dev.dockstep.account.Learner;
import io.javalin.http.Context;
import java.util.Map;

/** Signing up, in and out: as HTML forms for people, and as JSON for scripts and tests. */
final class AccountPages {
    private final Accounts accounts;
    private final Auth auth;
    private final RateLimits limits;
    private final Events events;

    AccountPages(Accounts accounts, Auth auth, RateLimits limits, Events events) {
        this.accounts = accounts;
        this.auth = auth;
        this.limits = limits;
        this.events = events;
    }

    void signUpForm(Context ctx) {
        ctx.render("signup", Pages.model(ctx, withNext(ctx, Map.of("username", "", "error", ""))));
    }

    void signInForm(Context ctx) {
        ctx.render("login", Pages.model(ctx, withNext(ctx, Map.of("username", "", "error", ""))));
    }

    void signUp(Context ctx) {
        Auth.requireCsrf(ctx);
        limits.signUp(ctx.ip());
        String name = ctx.formParam("username");
        Accounts.Outcome outcome = accounts.signUp(name, ctx.formParam("password"));
        if (outcome instanceof Accounts.Outcome.SignedIn in) {
            auth.startSession(ctx, in.sessionToken());
            ctx.redirect(next(ctx));
        } else {
            ctx.status(400).render("signup", Pages.model(ctx, withNext(ctx, Map.of("username", shown(name),
                    "error", ((Accounts.Outcome.Refused) outcome).reason()))));
        }
    }

    void signIn(Context ctx) {
        Auth.requireCsrf(ctx);
        String name = ctx.formParam("username");
        Accounts.Outcome outcome = accounts.signIn(name, ctx.formParam("password"), ctx.ip());
        if (outcome instanceof Accounts.Outcome.SignedIn in) {
            auth.startSession(ctx, in.sessionToken());
            ctx.redirect(next(ctx));
        } else {
            ctx.status(401).render("login", Pages.model(ctx, withNext(ctx, Map.of("username", shown(name),
                    "error", ((Accounts.Outcome.Refused) outcome).reason()))));
        }
    }

    void signOut(Context ctx) {
        Auth.requireCsrf(ctx);
        auth.endSession(ctx);
        ctx.redirect("/");
    }

    /** The signed-in learner's account: who they are, where they are signed in, and a way out of all of it. */
    void account(Context ctx) {
        Learner learner = Auth.require(ctx);
        ctx.render("account", Pages.model(ctx, Map.of("sessions", accounts.sessionCount(learner.name()))));
    }

    void signOutEverywhere(Context ctx) {
        Auth.requireCsrf(ctx);
        endEverySession(ctx, Auth.require(ctx));
        ctx.redirect("/login");
    }

    void apiSignUp(Context ctx) {
        limits.signUp(ctx.ip());
        var body = Api.json(ctx);
        respond(ctx, accounts.signUp(body.path("username").asText(null), body.path("password").asText(null)), 400);
    }

    void apiSignIn(Context ctx) {
        var body = Api.json(ctx);
        respond(ctx, accounts.signIn(body.path("username").asText(null), body.path("password").asText(null), ctx.ip()),
                401);
    }

    void apiSignOut(Context ctx) {
        auth.endSession(ctx);
        ctx.json(Map.of("signedOut", true));
    }

    void apiSignOutEverywhere(Context ctx) {
        ctx.json(Map.of("sessionsEnded", endEverySession(ctx, Auth.require(ctx))));
    }

    void me(Context ctx) {
        Learner learner = Auth.require(ctx);
        ctx.json(Map.of("user", learner.name(), "role", learner.role().name().toLowerCase()));
    }

    /** Every session ends, and so does every live stream opened under one of them. */
    private int endEverySession(Context ctx, Learner learner) {
        int ended = auth.endEverySession(ctx, learner);
        events.drop(learner.name());
        return ended;
    }

    private void respond(Context ctx, Accounts.Outcome outcome, int refusedStatus) {
        if (outcome instanceof Accounts.Outcome.SignedIn in) {
            auth.startSession(ctx, in.sessionToken());
            ctx.json(Map.of("user", in.learner().name(), "role", in.learner().role().name().toLowerCase()));
        } else {
            String reason = ((Accounts.Outcome.Refused) outcome).reason();
            ctx.status(reason.startsWith("Too many") ? 429 : refusedStatus).json(Map.of("error", reason));
        }
    }

    /**
     * A sign-in or sign-up form's model with where to go afterwards: the forms post, and link to
     * each other, keeping {@code ?next}, so that signing up on the way to a lesson ends at the lesson.
     */
    private static Map<String, Object> withNext(Context ctx, Map<String, Object> page) {
        String next = next(ctx);
        String query = next.equals("/") ? "" : "?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
        Map<String, Object> model = new java.util.HashMap<>(page);
        model.put("next", next);
        model.put("signInPath", "/login" + query);
        model.put("signUpPath", "/signup" + query);
        return model;
    }

    /** Where to go after signing in: only a path on this site, never another site. */
    private static String next(Context ctx) {
        String next = ctx.queryParam("next");
        if (next == null) {
            next = ctx.formParam("next");
        }
        return LocalPath.of(next).orElse("/");
    }

    /** A refused name is shown back in the form, trimmed; the template escapes it. */
    private static String shown(String name) {
        return name == null ? "" : name.length() > 40 ? name.substring(0, 40) : name;
    }
}

package dev.dockstep.web;

import dev.dockstep.account.Accounts;
import dev.dockstep.account.Learner;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Who is asking, and whether a form really came from our own page. The session cookie is
 * HttpOnly and SameSite=Lax (and Secure behind TLS). Forms carry a CSRF token that must match a
 * cookie of its own, which another site can neither read nor set.
 */
final class Auth {
    static final String SESSION = "dockstep_session";
    static final String CSRF = "dockstep_csrf";
    private static final String LEARNER = "learner";
    private static final int SESSION_SECONDS = 30 * 24 * 3600;

    private final Accounts accounts;
    private final SecureRandom random = new SecureRandom();

    Auth(Accounts accounts) {
        this.accounts = accounts;
    }

    /** Before every request: who is signed in, and a CSRF token for the forms on the page. */
    void identify(Context ctx) {
        ctx.attribute(LEARNER, accounts.learnerFor(ctx.cookie(SESSION), showsRole(ctx.path())));
        if (ctx.cookie(CSRF) == null) {
            String token = token();
            setCookie(ctx, CSRF, token, -1, SameSite.STRICT);
            ctx.attribute(CSRF, token);
        } else {
            ctx.attribute(CSRF, ctx.cookie(CSRF));
        }
    }

    /**
     * Pages an instructor sees differently read the role fresh, so a grant shows at once; the
     * others (lesson pages, checks: the busy ones) may use a role read up to a second ago.
     */
    private static boolean showsRole(String path) {
        return path.equals("/") || path.equals("/events") || path.startsWith("/instructor");
    }

    static Optional<Learner> learner(Context ctx) {
        Optional<Learner> learner = ctx.attribute(LEARNER);
        return learner == null ? Optional.empty() : learner;
    }

    /** The signed-in learner, or a 401 (API) or a trip to the sign-in page. */
    static Learner require(Context ctx) {
        return learner(ctx).orElseThrow(() -> new SignInFirst(ctx.path()));
    }

    /** The signed-in instructor, or a 403. */
    static Learner requireInstructor(Context ctx) {
        Learner learner = require(ctx);
        if (!learner.isInstructor()) {
            throw new WebServer.Forbidden("Only instructors may see this page.");
        }
        return learner;
    }

    static String csrfToken(Context ctx) {
        return ctx.attribute(CSRF);
    }

    /** Refuses a form post whose token is missing or is not this browser's own. */
    static void requireCsrf(Context ctx) {
        String expected = ctx.cookie(CSRF);
        String given = ctx.formParam("_csrf");
        if (expected == null || given == null || !MessageDigest.isEqual(expected.getBytes(), given.getBytes())) {
            throw new WebServer.Forbidden("This form has expired or came from another site; reload the page and try again.");
        }
    }

    void startSession(Context ctx, String token) {
        setCookie(ctx, SESSION, token, SESSION_SECONDS, SameSite.LAX);
    }

    void endSession(Context ctx) {
        accounts.signOut(ctx.cookie(SESSION));
        setCookie(ctx, SESSION, "", 0, SameSite.LAX);
    }

    private static void setCookie(Context ctx, String name, String value, int maxAge, SameSite sameSite) {
        Cookie cookie = new Cookie(name, value, "/", maxAge, secure(ctx), true, null, sameSite);
        cookie.setHttpOnly(true);
        ctx.cookie(cookie);
    }

    /** Behind TLS, directly or through a proxy that says so. */
    private static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    private String token() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A request that needs a signed-in learner; pages send the browser to sign in. */
    static final class SignInFirst extends RuntimeException {
        final String path;

        SignInFirst(String path) {
            super("Sign in first.");
            this.path = path;
        }
    }
}

package dev.dockstep.web;

import io.javalin.http.ForbiddenResponse;
import dev.dockstep.common.Tokens;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dockstep.account.Accounts;
import dev.dockstep.account.Learner;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is asking, and whether a form really came from our own page. The session cookie is
 * HttpOnly and SameSite=Lax; behind TLS it is Secure and named {@code __Host-…}, which no other
 * site, subdomain or plain-HTTP page can set. A signed-in person's forms carry a CSRF token
 * derived from their session, which no one without the session can compute; the sign-in and
 * sign-up forms, before there is a session, carry one that must match a cookie of its own.
 */
final class Auth {
    static final String SESSION = "dockstep_session";
    static final String CSRF = "dockstep_csrf";
    private static final String LEARNER = "learner";
    private static final String SECURE_PREFIX = "__Host-";
    private static final int SESSION_SECONDS = 30 * 24 * 3600;

    private final Accounts accounts;
    /** Each session's form token, worked out once: a MAC costs more than the rest of a kept page. */
    private final Cache<String, String> sessionTokens = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1)).build();

    Auth(Accounts accounts) {
        this.accounts = accounts;
    }

    /** Before every request: who is signed in, and the CSRF token for the forms on the page. */
    void identify(Context ctx) {
        String session = ctx.cookie(cookieName(ctx, SESSION));
        Optional<Learner> learner = accounts.learnerFor(session, showsRole(ctx.path()));
        ctx.attribute(LEARNER, learner);
        if (learner.isPresent()) {
            // Only pages and forms need it; a check never does.
            ctx.attribute(CSRF, (Supplier<String>) () -> sessionTokens.get(session, Auth::sessionCsrf));
        } else if (ctx.cookie(cookieName(ctx, CSRF)) == null) {
            String token = token();
            setCookie(ctx, CSRF, token, -1, SameSite.STRICT);
            ctx.attribute(CSRF, (Supplier<String>) () -> token);
        } else {
            String token = ctx.cookie(cookieName(ctx, CSRF));
            ctx.attribute(CSRF, (Supplier<String>) () -> token);
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
            throw new ForbiddenResponse("Only instructors may see this page.");
        }
        return learner;
    }

    /** The CSRF token for the forms on this request's page. */
    static String csrfToken(Context ctx) {
        Supplier<String> token = ctx.attribute(CSRF);
        return token == null ? null : token.get();
    }

    /** Refuses a form post whose token is missing or is not this session's (or, signed out, this browser's). */
    static void requireCsrf(Context ctx) {
        String expected = csrfToken(ctx);
        String given = ctx.formParam("_csrf");
        if (expected == null || given == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            throw new ForbiddenResponse("This form has expired or came from another site; reload the page and try again.");
        }
    }

    void startSession(Context ctx, String token) {
        setCookie(ctx, SESSION, token, SESSION_SECONDS, SameSite.LAX);
    }

    void endSession(Context ctx) {
        accounts.signOut(ctx.cookie(cookieName(ctx, SESSION)));
        setCookie(ctx, SESSION, "", 0, SameSite.LAX);
    }

    /** Ends every session of the signed-in learner, this one included. */
    int endEverySession(Context ctx, Learner learner) {
        int ended = accounts.signOutEverywhere(learner.name());
        setCookie(ctx, SESSION, "", 0, SameSite.LAX);
        return ended;
    }

    private static void setCookie(Context ctx, String name, String value, int maxAge, SameSite sameSite) {
        Cookie cookie = new Cookie(cookieName(ctx, name), value, "/", maxAge, secure(ctx), true, null, sameSite);
        cookie.setHttpOnly(true);
        ctx.cookie(cookie);
    }

    /** {@code __Host-} names need TLS: the browser keeps such a cookie only when it is Secure. */
    private static String cookieName(Context ctx, String name) {
        return secure(ctx) ? SECURE_PREFIX + name : name;
    }

    /** Behind TLS, directly or through a proxy that says so. */
    static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    /** The session's own CSRF token: a MAC of a fixed text under the session's secret token. */
    private static String sessionCsrf(String session) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(session.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal("dockstep form".getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private String token() {
        return Tokens.urlSafe(24);
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

package dev.dockstep.web;

import io.javalin.http.UnsupportedMediaTypeResponse;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What every request passes before it reaches a page: headers that keep our pages out of other
 * sites' frames and scripts, a Host check that makes DNS rebinding fail, and an Origin check on
 * every request that changes something.
 */
final class Guard {
    /** No inline script or style anywhere: our JS and CSS are files under /static and /webjars. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Optional<String> publicHost;
    private final Optional<String> publicOrigin;

    /** @param publicUrl the address learners type ({@code --public-url}), if one was given */
    Guard(Optional<URI> publicUrl) {
        this.publicHost = publicUrl.map(url -> url.getHost().toLowerCase(Locale.ROOT));
        this.publicOrigin = publicUrl.map(url -> (url.getScheme() + "://" + url.getHost()
                + (url.getPort() < 0 ? "" : ":" + url.getPort())).toLowerCase(Locale.ROOT));
    }

    void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
    }

    /**
     * A page on another site whose name an attacker points at 127.0.0.1 (DNS rebinding) sends
     * its own name as Host: only our public name, localhost names and IP addresses, which cannot
     * be rebound, are served.
     */
    void knownHost(Context ctx) {
        String host = hostName(ctx.header("Host"));
        if (!allowed(host)) {
            throw new BadRequestResponse("This dockstep does not answer to the name '" + shown(host) + "'; if"
                    + " learners use that address, start it with --public-url " + example(ctx.header("Host")) + ".");
        }
    }

    /**
     * Refuses a state-changing request sent from another site's page. Browsers name the page's
     * origin on every POST; it must be this server's own, as the Host header or {@code --public-url}
     * (behind a proxy that changes Host) names it. A request without one is not a browser's.
     */
    void sameOrigin(Context ctx) {
        if (ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD")) {
            return;
        }
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        if (origin == null || publicOrigin.map(origin.toLowerCase(Locale.ROOT)::equals).orElse(false)) {
            return;
        }
        if (host == null || !origin.replaceFirst("^https?://", "").equalsIgnoreCase(host)) {
            throw new ForbiddenResponse("Requests from other sites are refused.");
        }
    }

    /**
     * Our forms are URL-encoded and our API is JSON: any other body (multipart above all, whose
     * parser is a large surface for a malformed request) is refused before anything reads it.
     */
    static void knownBody(Context ctx) {
        String type = ctx.contentType();
        if (type == null || ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD")) {
            return;
        }
        String mime = type.toLowerCase(Locale.ROOT);
        if (!mime.startsWith("application/x-www-form-urlencoded") && !mime.startsWith("application/json")) {
            throw new UnsupportedMediaTypeResponse("Send a form (application/x-www-form-urlencoded) or JSON"
                    + " (application/json), not " + shown(mime.split(";")[0].strip()) + ".");
        }
    }

    /** The JSON API takes JSON only, which a cross-site form cannot send without the browser asking us first. */
    static void requireJson(Context ctx) {
        if (ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD")) {
            return;
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new BadRequestResponse("Send the request as JSON, with Content-Type: application/json.");
        }
    }

    boolean allowed(String host) {
        if (host.isEmpty()) {
            return false;
        }
        return publicHost.map(host::equals).orElse(false) || host.equals("localhost") || host.endsWith(".localhost")
                || IPV4.matcher(host).matches() || (host.startsWith("[") && host.endsWith("]"));
    }

    /** The Host header's name, without its port, in lower case; empty when there is none. */
    static String hostName(String header) {
        if (header == null) {
            return "";
        }
        String host = header.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String shown(String host) {
        String printable = host.replaceAll("[^a-z0-9.\\-\\[\\]:/+]", "?");
        return printable.length() > 60 ? printable.substring(0, 60) + "…" : printable;
    }

    private static String example(String header) {
        return "http://" + shown(header == null ? "" : header.strip().toLowerCase(Locale.ROOT)) + "/";
    }
}

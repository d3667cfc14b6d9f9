package dev.dockstep.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads manifests from a registry over the v2 API, with basic auth or the bearer-token flow
 * (Docker Hub's: a 401 names a realm, service and scope; a token from the realm opens the
 * request). Digests are asked for with explicit Docker v2 and OCI media types, since a request
 * without them gets a schema1 digest that {@code docker push} never reports.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, Optional<Credentials>> credentials;
    private final Duration deadline;
    private final HttpClient http;
    /**
     * Bearer tokens by registry and scope. They live minutes at the token service; one kept past
     * its life gets a 401, and the request fetches a fresh one. Bounded: one per repository read.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, String> tokens =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000)
                    .expireAfterWrite(java.time.Duration.ofMinutes(4)).build();

    /**
     * @param credentials the credentials to read a registry with, by registry host; empty for anonymous
     * @param deadline how long one request may take
     */
    public RegistryClient(Function<String, Optional<Credentials>> credentials, Duration deadline) {
        this.credentials = credentials;
        this.deadline = deadline;
        this.http = HttpClient.newBuilder().connectTimeout(deadline).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The digest the registry serves for the reference's tag, or empty when it has no such tag. */
    public Optional<String> manifestDigest(ImageRef ref) throws RegistryUnavailable {
        String reference = ref.digest().orElse(ref.tag());
        URI uri = URI.create(baseUrl(ref.domain()) + "/v2/" + ref.path() + "/manifests/" + reference);
        HttpResponse<Void> response = send(ref.domain(), "repository:" + ref.path() + ":pull",
                HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", ACCEPT));
        return switch (response.statusCode()) {
            case 200 -> Optional.ofNullable(response.headers().firstValue("Docker-Content-Digest").orElse(null))
                    .or(() -> Optional.of("(no digest)"));
            case 404 -> Optional.empty();
            case 401, 403 -> throw new RegistryUnavailable("the registry " + ref.domain()
                    + " refused to let dockstep read " + ref.familiarName() + " (HTTP " + response.statusCode() + ")", null);
            default -> throw new RegistryUnavailable("the registry " + ref.domain() + " answered HTTP "
                    + response.statusCode() + " for " + ref, null);
        };
    }

    /** The URL a registry host is reached at: plain HTTP only on this machine, as Docker allows. */
    static String baseUrl(String domain) {
        if (domain.equals(ImageRef.DOCKER_HUB)) {
            return "https://registry-1.docker.io";
        }
        String host = domain.replaceFirst(":\\d+$", "");
        boolean local = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        return (local ? "http://" : "https://") + domain;
    }

    private HttpResponse<Void> send(String domain, String scope, HttpRequest.Builder request) throws RegistryUnavailable {
        request.timeout(deadline);
        Optional<Credentials> creds = credentials.apply(domain);
        String cached = tokens.getIfPresent(domain + " " + scope);
        if (cached != null) {
            request.header("Authorization", "Bearer " + cached);
        } else {
            creds.ifPresent(c -> request.header("Authorization", basic(c)));
        }
        HttpResponse<Void> response = exchange(domain, request.build());
        if (response.statusCode() != 401) {
            return response;
        }
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return response;
        }
        String token = fetchToken(domain, challenge, creds);
        tokens.put(domain + " " + scope, token);
        HttpRequest retry = request.setHeader("Authorization", "Bearer " + token).build();
        return exchange(domain, retry);
    }

    private String fetchToken(String domain, String challenge, Optional<Credentials> creds) throws RegistryUnavailable {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.remove("realm");
        if (realm == null) {
            throw new RegistryUnavailable("the registry " + domain + " asked for a token but named no realm", null);
        }
        StringBuilder url = new StringBuilder(realm);
        char sep = realm.contains("?") ? '&' : '?';
        for (var param : params.entrySet()) {
            url.append(sep).append(param.getKey()).append('=')
                    .append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).timeout(deadline).GET();
        creds.ifPresent(c -> request.header("Authorization", basic(c)));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new RegistryUnavailable("the token service of " + domain + " answered HTTP "
                        + response.statusCode(), null);
            }
            var body = JSON.readTree(response.body());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryUnavailable("the token service of " + domain + " gave no token", null);
            }
            return token;
        } catch (IOException e) {
            throw unavailable(domain, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailable("interrupted", e);
        }
    }

    private HttpResponse<Void> exchange(String domain, HttpRequest request) throws RegistryUnavailable {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw unavailable(domain, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailable("interrupted", e);
        }
    }

    private RegistryUnavailable unavailable(String domain, IOException e) {
        if (e instanceof HttpTimeoutException) {
            return new RegistryUnavailable("the registry " + domain + " did not answer within " + deadline.toMillis()
                    + " ms", e);
        }
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new RegistryUnavailable("the registry is not reachable at " + baseUrl(domain) + ": " + why, e);
    }

    private static String basic(Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret())
                .getBytes(StandardCharsets.UTF_8));
    }
}

package dev.dockstep.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speaks a registry's v2 API with basic auth or the bearer-token flow (Docker Hub's, and the
 * practice registry's: a 401 names a realm, service and scope; a token from the realm opens the
 * request). Digests are asked for with explicit Docker v2 and OCI media types, since a request
 * without them gets a schema1 digest that {@code docker push} never reports.
 *
 * <p>What it may do is what its credentials may do: the checks read as an identity that may
 * only pull; the repository pages list and delete as one that may also delete.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most answers are small; a catalog of many repositories is the largest. */
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final Function<String, Optional<Credentials>> credentials;
    private final Duration deadline;
    private final HttpClient http;
    /** Tokens by registry and scope, kept less long than the five minutes a token lives at the practice registry. */
    private final Cache<String, String> tokens = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(4)).build();

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
        HttpResponse<byte[]> response = send(ref.domain(), "repository:" + ref.path() + ":pull",
                HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", ACCEPT));
        return switch (response.statusCode()) {
            case 200 -> Optional.ofNullable(response.headers().firstValue("Docker-Content-Digest").orElse(null))
                    .or(() -> Optional.of("(no digest)"));
            case 404 -> Optional.empty();
            case 401, 403 -> throw refused(ref.domain(), ref.familiarName(), response);
            default -> throw new RegistryUnavailable("the registry " + ref.domain() + " answered HTTP "
                    + response.statusCode() + " for " + ref, null);
        };
    }

    /**
     * Whether someone who is not signed in may read the reference's manifest, as a stranger's
     * {@code docker pull} would: a private repository and a missing one both say no.
     */
    public boolean anonymousMayPull(ImageRef ref) throws RegistryUnavailable {
        String reference = ref.digest().orElse(ref.tag());
        URI uri = URI.create(baseUrl(ref.domain()) + "/v2/" + ref.path() + "/manifests/" + reference);
        HttpResponse<byte[]> response = send(ref.domain(), "repository:" + ref.path() + ":pull",
                HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", ACCEPT),
                // A stranger's token is never kept: it grants what was public when it was made, and a
                // repository made private since must be refused at once.
                Optional.empty(), false);
        return switch (response.statusCode()) {
            case 200 -> true;
            case 401, 403, 404 -> false;
            default -> throw new RegistryUnavailable("the registry " + ref.domain() + " answered HTTP "
                    + response.statusCode() + " for " + ref, null);
        };
    }

    /**
     * Every repository the registry holds, up to {@code max}, by name, a page of at most 1,000 at
     * a time (the registry's own limit): it takes the right to list the registry.
     */
    public List<String> catalog(String domain, int max) throws RegistryUnavailable {
        List<String> names = new ArrayList<>();
        String last = null;
        while (names.size() < max) {
            int page = Math.min(1000, max - names.size());
            URI uri = URI.create(baseUrl(domain) + "/v2/_catalog?n=" + page
                    + (last == null ? "" : "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8)));
            HttpResponse<byte[]> response = send(domain, "registry:catalog:*", HttpRequest.newBuilder(uri).GET());
            if (response.statusCode() != 200) {
                throw response.statusCode() == 401 || response.statusCode() == 403 ? refused(domain, "the catalog", response)
                        : new RegistryUnavailable("the registry " + domain + " answered HTTP " + response.statusCode()
                                + " for its catalog", null);
            }
            int before = names.size();
            for (JsonNode name : json(response).path("repositories")) {
                names.add(name.asText());
            }
            if (names.size() == before || response.headers().firstValue("Link").isEmpty()) {
                break;
            }
            last = names.get(names.size() - 1);
        }
        return names;
    }

    /** The repository's tags, or empty when the registry does not know the repository. */
    public Optional<List<String>> tags(String domain, String repository) throws RegistryUnavailable {
        URI uri = URI.create(baseUrl(domain) + "/v2/" + repository + "/tags/list");
        HttpResponse<byte[]> response = send(domain, "repository:" + repository + ":pull", HttpRequest.newBuilder(uri).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw response.statusCode() == 401 || response.statusCode() == 403 ? refused(domain, repository, response)
                    : new RegistryUnavailable("the registry " + domain + " answered HTTP " + response.statusCode()
                            + " for the tags of " + repository, null);
        }
        List<String> tags = new ArrayList<>();
        for (JsonNode tag : json(response).path("tags")) {
            tags.add(tag.asText());
        }
        return Optional.of(tags);
    }

    /**
     * What a manifest holds, as a registry's page shows it.
     *
     * @param size the image's size as pushed (its config and layers, compressed), or -1 for an index
     * @param platforms how many images an index lists; 0 for an image manifest
     */
    public record Manifest(String digest, String mediaType, long size, int platforms) {
    }

    /** The manifest a tag or digest names, or empty when there is none. */
    public Optional<Manifest> manifest(String domain, String repository, String reference) throws RegistryUnavailable {
        URI uri = URI.create(baseUrl(domain) + "/v2/" + repository + "/manifests/" + reference);
        HttpResponse<byte[]> response = send(domain, "repository:" + repository + ":pull",
                HttpRequest.newBuilder(uri).GET().header("Accept", ACCEPT));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw response.statusCode() == 401 || response.statusCode() == 403 ? refused(domain, repository, response)
                    : new RegistryUnavailable("the registry " + domain + " answered HTTP " + response.statusCode()
                            + " for " + repository + ":" + reference, null);
        }
        JsonNode body = json(response);
        String type = response.headers().firstValue("Content-Type").orElse(body.path("mediaType").asText(""));
        String digest = response.headers().firstValue("Docker-Content-Digest").orElse("");
        if (body.has("manifests")) {
            return Optional.of(new Manifest(digest, type, -1, body.path("manifests").size()));
        }
        long size = body.path("config").path("size").asLong(0);
        for (JsonNode layer : body.path("layers")) {
            size += layer.path("size").asLong(0);
        }
        return Optional.of(new Manifest(digest, type, size, 0));
    }

    /**
     * Deletes a manifest by its digest, and with it every tag that points at it. It takes the
     * right to delete in the repository, which the checks' identity does not have.
     *
     * @return false when the registry has no such manifest
     */
    public boolean deleteManifest(String domain, String repository, String digest) throws RegistryUnavailable {
        URI uri = URI.create(baseUrl(domain) + "/v2/" + repository + "/manifests/" + digest);
        HttpResponse<byte[]> response = send(domain, "repository:" + repository + ":delete",
                HttpRequest.newBuilder(uri).DELETE());
        return switch (response.statusCode()) {
            case 200, 202 -> true;
            case 404 -> false;
            case 401, 403 -> throw refused(domain, repository, response);
            default -> throw new RegistryUnavailable("the registry " + domain + " answered HTTP " + response.statusCode()
                    + " when asked to delete " + repository + "@" + digest, null);
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

    private HttpResponse<byte[]> send(String domain, String scope, HttpRequest.Builder request) throws RegistryUnavailable {
        return send(domain, scope, request, credentials.apply(domain), true);
    }

    /** @param keep whether the token may be kept for the next request, and one kept be used */
    private HttpResponse<byte[]> send(String domain, String scope, HttpRequest.Builder request, Optional<Credentials> creds,
                                      boolean keep) throws RegistryUnavailable {
        request.timeout(deadline);
        String key = domain + " " + scope;
        String cached = keep ? tokens.getIfPresent(key) : null;
        if (cached != null) {
            request.header("Authorization", "Bearer " + cached);
        } else {
            creds.ifPresent(c -> request.header("Authorization", basic(c)));
        }
        HttpResponse<byte[]> response = exchange(domain, request.build());
        if (response.statusCode() != 401) {
            return response;
        }
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return response;
        }
        String token = fetchToken(domain, challenge, creds);
        if (keep) {
            tokens.put(key, token);
        }
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
        params.remove("error");
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
        HttpResponse<byte[]> response = exchange(domain, request.build());
        if (response.statusCode() != 200) {
            String why = errorMessage(response).map(m2 -> ": " + m2).orElse("");
            throw new RegistryUnavailable("the token service of " + domain + " answered HTTP "
                    + response.statusCode() + why, null);
        }
        JsonNode body = json(response);
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryUnavailable("the token service of " + domain + " gave no token", null);
        }
        return token;
    }

    private HttpResponse<byte[]> exchange(String domain, HttpRequest request) throws RegistryUnavailable {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.body() != null && response.body().length > MAX_BODY) {
                throw new RegistryUnavailable("the registry " + domain + " answered with more than "
                        + MAX_BODY / (1024 * 1024) + " MB", null);
            }
            return response;
        } catch (IOException e) {
            throw unavailable(domain, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailable("interrupted", e);
        }
    }

    private static RegistryUnavailable refused(String domain, String what, HttpResponse<byte[]> response) {
        // A HEAD has no body; the challenge still says when the token did not grant enough.
        boolean denied = response.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope");
        String why = denied ? ": requested access to the resource is denied"
                : errorMessage(response).map(m -> ": " + m).orElse("");
        return new RegistryUnavailable("the registry " + domain + " refused to let dockstep read " + what
                + " (HTTP " + response.statusCode() + why + ")", null);
    }

    /** The first message of a registry's or token service's {@code {"errors":[…]}} body, if any. */
    private static Optional<String> errorMessage(HttpResponse<byte[]> response) {
        try {
            String message = JSON.readTree(response.body()).path("errors").path(0).path("message").asText("");
            return message.isBlank() ? Optional.empty() : Optional.of(message.strip().lines().findFirst().orElse(""));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws RegistryUnavailable {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RegistryUnavailable("the registry answered with something that is not JSON", e);
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

package dev.dockstep.web;

import dev.dockstep.check.DockerFacts;
import dev.dockstep.check.DockerUnavailable;
import dev.dockstep.progress.Database;
import dev.dockstep.progress.ProgressStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Asks each part dockstep depends on whether it answers, for {@code GET /healthz}. */
public final class Health {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final DockerFacts docker;
    private final String registryUrl;
    private final ProgressStore store;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** @param registryUrl the registry's {@code /v2/} address */
    public Health(DockerFacts docker, String registryUrl, ProgressStore store) {
        this.docker = docker;
        this.registryUrl = registryUrl;
        this.store = store;
    }

    /** One entry per part: {@code {"status":"ok"}} or {@code {"status":"down","reason":…}}. */
    Map<String, Map<String, String>> report() {
        Map<String, Map<String, String>> parts = new LinkedHashMap<>();
        parts.put("docker", docker());
        parts.put("registry", registry());
        parts.put("database", database());
        return parts;
    }

    static boolean allOk(Map<String, Map<String, String>> report) {
        return report.values().stream().allMatch(part -> "ok".equals(part.get("status")));
    }

    private Map<String, String> docker() {
        try {
            docker.ping();
            return ok();
        } catch (DockerUnavailable e) {
            return down(e.getMessage());
        }
    }

    private Map<String, String> registry() {
        String url = registryUrl;
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            // 401 is the healthy answer of a registry that wants credentials.
            if (response.statusCode() == 200 || response.statusCode() == 401) {
                return ok();
            }
            return down("the registry at " + url + " answered HTTP " + response.statusCode());
        } catch (IOException e) {
            return down("the registry is not reachable at " + url + ": " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        }
    }

    private Map<String, String> database() {
        try {
            store.ping();
            return ok();
        } catch (Database.StoreException e) {
            return down(e.getMessage());
        }
    }

    private static Map<String, String> ok() {
        return Map.of("status", "ok");
    }

    private static Map<String, String> down(String reason) {
        Map<String, String> part = new LinkedHashMap<>();
        part.put("status", "down");
        part.put("reason", reason);
        return part;
    }
}

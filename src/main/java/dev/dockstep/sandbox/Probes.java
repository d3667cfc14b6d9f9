package dev.dockstep.sandbox;

import dev.dockstep.common.Messages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Quick answers to "does this part work?", as {@code /healthz} reports them. */
final class Probes {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private Probes() {
    }

    static Map<String, String> ok() {
        return Map.of("status", "ok");
    }

    static Map<String, String> down(String reason) {
        Map<String, String> part = new LinkedHashMap<>();
        part.put("status", "down");
        part.put("reason", reason);
        return part;
    }

    /** Whether the daemon at {@code dockerHost} answers a ping. */
    static Map<String, String> docker(String dockerHost) {
        if (dockerHost.startsWith("unix://")) {
            Path socket = Path.of(dockerHost.substring("unix://".length()));
            return Waits.dockerPings(socket) ? ok() : down("Docker does not answer at " + dockerHost);
        }
        try (var docker = DockerClients.writable(dockerHost)) {
            docker.pingCmd().exec();
            return ok();
        } catch (IOException | RuntimeException e) {
            return down("Docker does not answer at " + dockerHost + ": " + Messages.rootLine(e));
        }
    }

    /**
     * Whether the registry at {@code apiUrl} answers, and is the one dockstep started: only that
     * one trusts dockstep's signing key, so a stranger listening on the port refuses {@code token}.
     *
     * @param token a token signed by dockstep that opens {@code /v2/}; empty for a registry that is not ours
     */
    static Map<String, String> registry(String apiUrl, Optional<String> token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl)).timeout(TIMEOUT).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            int status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200 || (status == 401 && token.isEmpty())) {
                return ok();
            }
            if (status == 401) {
                return down("something answers at " + apiUrl + " but does not trust dockstep's tokens;"
                        + " another registry may have taken the port");
            }
            return down("the registry at " + apiUrl + " answered HTTP " + status);
        } catch (IOException e) {
            return down("the registry is not reachable at " + apiUrl + ": " + Messages.rootLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        }
    }
}

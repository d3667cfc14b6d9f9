package dev.dockstep.web;

import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code GET /events} streams. Pages follow it to learn that lessons changed, and,
 * later, that a step passed.
 */
final class Events {
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();

    void join(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        client.sendComment("connected");
    }

    void broadcast(String event, Map<String, ?> data) {
        for (SseClient client : clients) {
            try {
                client.sendEvent(event, data);
            } catch (RuntimeException e) {
                clients.remove(client);
            }
        }
    }

    int size() {
        return clients.size();
    }
}

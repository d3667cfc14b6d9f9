package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.check.LiveVerifier.OpenLesson;
import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The open {@code GET /events} streams, each with its learner and, for a lesson page, the
 * lesson it shows. Pages learn here that a step passed or that lessons changed.
 */
final class Events {
    private final Map<SseClient, Client> clients = new ConcurrentHashMap<>();

    private record Client(Learner learner, Optional<OpenLesson> lesson) {
    }

    void join(SseClient client, Learner learner, String course, String lesson) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        Optional<OpenLesson> open = course == null || lesson == null ? Optional.empty()
                : Optional.of(new OpenLesson(learner, course, lesson));
        clients.put(client, new Client(learner, open));
        client.sendComment("connected");
    }

    /** The lessons that learners have open now. */
    Set<OpenLesson> openLessons() {
        return clients.values().stream().flatMap(c -> c.lesson().stream()).collect(Collectors.toSet());
    }

    void broadcast(String event, Map<String, ?> data) {
        clients.keySet().forEach(client -> send(client, event, data));
    }

    void toLearner(Learner learner, String event, Map<String, ?> data) {
        clients.forEach((client, who) -> {
            if (who.learner().equals(learner)) {
                send(client, event, data);
            }
        });
    }

    private void send(SseClient client, String event, Map<String, ?> data) {
        try {
            client.sendEvent(event, data);
        } catch (RuntimeException e) {
            clients.remove(client);
        }
    }
}

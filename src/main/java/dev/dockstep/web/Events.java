package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.check.LiveVerifier.OpenLesson;
import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The open {@code GET /events} streams, each with its learner and, for a lesson page, the
 * lesson it shows. Pages learn here that a step passed, that lessons changed, or (instructors)
 * that the class moved on.
 */
final class Events {
    private final Map<SseClient, Client> clients = new ConcurrentHashMap<>();

    private record Client(Optional<Learner> learner, Optional<OpenLesson> lesson) {
    }

    /**
     * @param learner null for a visitor who is not signed in
     * @param closed run once the stream has closed
     */
    void join(SseClient client, Learner learner, String course, String lesson, Runnable closed) {
        client.keepAlive();
        client.onClose(() -> {
            clients.remove(client);
            closed.run();
        });
        Optional<OpenLesson> open = learner == null || course == null || lesson == null ? Optional.empty()
                : Optional.of(new OpenLesson(learner, course, lesson));
        clients.put(client, new Client(Optional.ofNullable(learner), open));
        // A named event, not a comment: the page marks itself live on it, so anyone (a test
        // included) knows the stream is registered here and no step-passed can be missed.
        client.sendEvent("connected", Map.of());
    }

    void broadcast(String event, Map<String, ?> data) {
        send(who -> true, event, data);
    }

    /** Only that learner's pages: no one learns of another's progress. */
    void toLearner(Learner learner, String event, Map<String, ?> data) {
        send(who -> who.learner().map(l -> l.name().equals(learner.name())).orElse(false), event, data);
    }

    void toInstructors(String event, Map<String, ?> data) {
        send(who -> who.learner().map(Learner::isInstructor).orElse(false), event, data);
    }

    private void send(Predicate<Client> to, String event, Map<String, ?> data) {
        clients.forEach((client, who) -> {
            if (to.test(who)) {
                try {
                    client.sendEvent(event, data);
                } catch (RuntimeException e) {
                    clients.remove(client);
                }
            }
        });
    }
}

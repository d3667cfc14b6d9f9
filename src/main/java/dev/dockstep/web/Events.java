package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.steps.LiveVerifier.OpenLesson;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The open {@code GET /events} streams, each with its learner and, for a lesson page, the
 * lesson it shows. Pages learn here that a step passed, that lessons changed, or (instructors)
 * that the class moved on.
 *
 * <p>A browser that goes away without a word leaves its stream open. Every stream gets a comment
 * line each {@link Limits#heartbeat()} (and within half the idle timeout), and one whose write fails is dropped, so a dead stream
 * lasts a heartbeat or two, not forever. Each learner (or, without an account, each address) may
 * hold {@link Limits#streamsPerLearner()} streams, and the server {@link Limits#maxStreams()}.
 */
final class Events implements AutoCloseable {
    private final Limits limits;
    private final Map<SseClient, Client> clients = new ConcurrentHashMap<>();
    private ScheduledExecutorService heartbeat;

    /** Who holds a stream: a learner, or an address without an account. */
    private record Client(Optional<Learner> learner, String address, Optional<OpenLesson> lesson) {
        String owner() {
            return learner.map(l -> "learner:" + l.name()).orElse("address:" + address);
        }
    }

    Events(Limits limits) {
        this.limits = limits;
    }

    /** Starts the heartbeat; the server calls it once it listens. */
    synchronized void start() {
        if (heartbeat == null) {
            heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "sse-heartbeat");
                thread.setDaemon(true);
                return thread;
            });
            // A stream with nothing to say for the idle timeout would be cut off: beat well within it.
            long period = Math.max(1, Math.min(limits.heartbeat().toMillis(), limits.idleTimeout().toMillis() / 2));
            heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Before a stream starts: one over a limit is refused with a 429 and the reason, which tells a
     * browser's EventSource to stop, where a stream that ended would make it try again at once.
     */
    void admit(Context ctx) {
        over(new Client(Auth.learner(ctx), ctx.ip(), Optional.empty())).ifPresent(reason -> {
            throw WebServer.tooManyRequests(reason, limits.heartbeat().toSeconds() + 1);
        });
    }

    /**
     * Registers a stream, unless that would pass a limit.
     *
     * @param learner null for a visitor who is not signed in
     * @param closed run once the stream has closed, if it was registered
     * @return whether the stream was registered
     */
    boolean join(SseClient client, Learner learner, String address, String course, String lesson, Runnable closed) {
        Optional<OpenLesson> open = learner == null || course == null || lesson == null ? Optional.empty()
                : Optional.of(new OpenLesson(learner, course, lesson));
        Client who = new Client(Optional.ofNullable(learner), address, open);
        synchronized (this) {
            // admit() looked before the stream began; this look and the registration are one step.
            Optional<String> over = over(who);
            if (over.isPresent()) {
                client.sendEvent("refused", Map.of("error", over.get()));
                client.close();
                return false;
            }
            client.onClose(() -> {
                clients.remove(client);
                closed.run();
            });
            clients.put(client, who);
        }
        client.keepAlive();
        // A named event, not a comment: the page marks itself live on it, so anyone (a test
        // included) knows the stream is registered here and no step-passed can be missed.
        write(client, c -> c.sendEvent("connected", Map.of()));
        return true;
    }

    private Optional<String> over(Client who) {
        if (clients.size() >= limits.maxStreams()) {
            return Optional.of("This server has " + limits.maxStreams() + " live pages open, its limit; the page"
                    + " still works, but reload it to see steps pass without a click.");
        }
        String owner = who.owner();
        long mine = clients.values().stream().filter(c -> c.owner().equals(owner)).count();
        if (mine >= limits.streamsPerLearner()) {
            return Optional.of("You have " + mine + " live pages open, the limit; close some tabs and reload this page.");
        }
        return Optional.empty();
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

    /** Ends every stream of a learner, as their sessions end: a stream outlives no session. */
    void drop(String learner) {
        clients.forEach((client, who) -> {
            if (who.learner().map(l -> l.name().equals(learner)).orElse(false)) {
                client.close();
            }
        });
    }

    private void send(Predicate<Client> to, String event, Map<String, ?> data) {
        clients.forEach((client, who) -> {
            if (to.test(who)) {
                write(client, c -> c.sendEvent(event, data));
            }
        });
    }

    private void beat() {
        clients.keySet().forEach(client -> write(client, c -> c.sendComment("")));
    }

    /** One writer at a time per stream; a stream whose write fails is closed and forgotten. */
    private void write(SseClient client, Consumer<SseClient> message) {
        synchronized (client) {
            try {
                message.accept(client);
            } catch (RuntimeException e) {
                client.close();
            }
            if (client.terminated()) {
                clients.remove(client);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
        }
        clients.keySet().forEach(SseClient::close);
        clients.clear();
    }
}

package dev.dockstep.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@link #LIMIT} failed sign-ins for one name from one address
 * within {@link #WINDOW}, further tries are refused until the oldest failure ages out. Kept in
 * memory: a restart forgets it, which costs a guesser one more window at most.
 */
public final class SignInThrottle {
    static final int LIMIT = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must wait before trying again, if they must. */
    public Optional<Duration> wait(String name, String address) {
        Deque<Instant> recent = failures.get(key(name, address));
        if (recent == null) {
            return Optional.empty();
        }
        synchronized (recent) {
            Instant now = clock.instant();
            recent.removeIf(at -> at.plus(WINDOW).isBefore(now));
            if (recent.size() < LIMIT) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, recent.peekFirst().plus(WINDOW)));
        }
    }

    public void failed(String name, String address) {
        Deque<Instant> recent = failures.computeIfAbsent(key(name, address), k -> new ArrayDeque<>());
        synchronized (recent) {
            recent.addLast(clock.instant());
            while (recent.size() > LIMIT) {
                recent.removeFirst();
            }
        }
    }

    public void succeeded(String name, String address) {
        failures.remove(key(name, address));
    }

    private static String key(String name, String address) {
        return name + " " + address;
    }
}

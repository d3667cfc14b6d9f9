package dev.dockstep.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Slows password guessing. After {@link #LIMIT} failed sign-ins for one name from one address
 * within {@link #WINDOW}, or {@link #NAME_LIMIT} for one name from all addresses together (a
 * guesser with many addresses), further tries are refused until the oldest failure ages out.
 *
 * <p>Only names that could be accounts reach it (the caller checks them first), and it keeps at
 * most {@link #MAX_KEYS} names and pairs, each forgotten a window after its last failure: a flood
 * of made-up names costs it a bounded amount of memory. Kept in memory: a restart forgets it,
 * which costs a guesser one more window at most.
 */
public final class SignInThrottle {
    static final int LIMIT = 5;
    static final int NAME_LIMIT = 20;
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final int MAX_KEYS = 20_000;

    private final Clock clock;
    private final Cache<Pair, Failures> byPair;
    private final Cache<String, Failures> byName;

    private record Pair(String name, String address) {
    }

    public SignInThrottle(Clock clock) {
        this(clock, MAX_KEYS);
    }

    SignInThrottle(Clock clock, int maxKeys) {
        this.clock = clock;
        this.byPair = cache(clock, maxKeys);
        this.byName = cache(clock, maxKeys);
    }

    private static <K> Cache<K, Failures> cache(Clock clock, int maxKeys) {
        return Caffeine.newBuilder().maximumSize(maxKeys).expireAfterWrite(WINDOW)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).executor(Runnable::run).build();
    }

    /** How long the caller must wait before trying again, if they must. */
    public Optional<Duration> wait(String name, String address) {
        Instant now = clock.instant();
        Optional<Duration> pair = wait(byPair.getIfPresent(new Pair(name, address)), LIMIT, now);
        Optional<Duration> all = wait(byName.getIfPresent(name), NAME_LIMIT, now);
        return pair.isEmpty() ? all : all.isEmpty() ? pair : Optional.of(max(pair.get(), all.get()));
    }

    public void failed(String name, String address) {
        Instant now = clock.instant();
        // compute, not get-then-add: the write is what keeps the entry until a window after it.
        byPair.asMap().compute(new Pair(name, address), (k, f) -> (f == null ? new Failures(LIMIT) : f).add(now));
        byName.asMap().compute(name, (k, f) -> (f == null ? new Failures(NAME_LIMIT) : f).add(now));
    }

    /** The pair's failures are forgiven; the name's stay, as they may be someone else's guesses. */
    public void succeeded(String name, String address) {
        byPair.invalidate(new Pair(name, address));
    }

    /** Names and pairs held now, for the tests that prove the bound. */
    long entries() {
        byPair.cleanUp();
        byName.cleanUp();
        return byPair.estimatedSize() + byName.estimatedSize();
    }

    private static Optional<Duration> wait(Failures failures, int limit, Instant now) {
        if (failures == null) {
            return Optional.empty();
        }
        Optional<Instant> oldest = failures.oldestOfLast(limit, now);
        return oldest.map(at -> Duration.between(now, at.plus(WINDOW)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The newest failures, at most as many as the limit, oldest first. */
    private static final class Failures {
        private final int limit;
        private final Deque<Instant> times = new ArrayDeque<>();

        Failures(int limit) {
            this.limit = limit;
        }

        synchronized Failures add(Instant at) {
            times.addLast(at);
            while (times.size() > limit) {
                times.removeFirst();
            }
            return this;
        }

        /** The oldest of the last {@code limit} failures, when all of them fall within the window. */
        synchronized Optional<Instant> oldestOfLast(int limit, Instant now) {
            times.removeIf(at -> !at.plus(WINDOW).isAfter(now));
            return times.size() < limit ? Optional.empty() : Optional.of(times.peekFirst());
        }
    }
}

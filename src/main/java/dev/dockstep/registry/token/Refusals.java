package dev.dockstep.registry.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Each learner's latest refusals: a few per learner, for an hour, for a bounded number of learners. */
final class Refusals {
    private static final int PER_LEARNER = 8;
    private final Cache<String, Deque<Refusal>> byLearner = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofHours(1)).build();

    void add(String learner, Refusal refusal) {
        Deque<Refusal> recent = byLearner.get(learner, k -> new ArrayDeque<>());
        synchronized (recent) {
            recent.addLast(refusal);
            while (recent.size() > PER_LEARNER) {
                recent.removeFirst();
            }
        }
    }

    /** The learner's refusals from {@code since} on, oldest first. */
    List<Refusal> since(String learner, Instant since) {
        Deque<Refusal> recent = byLearner.getIfPresent(learner);
        if (recent == null) {
            return List.of();
        }
        synchronized (recent) {
            return recent.stream().filter(r -> !r.at().isBefore(since)).toList();
        }
    }
}

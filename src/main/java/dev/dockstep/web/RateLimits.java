package dev.dockstep.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dockstep.account.Learner;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How fast one address may make accounts and one learner may ask for checks: each is a token
 * bucket, kept while it is in use and bounded in number, so that no visitor can fill the
 * database (every account and every check attempt is a row) or the registry's accounts file.
 */
final class RateLimits {
    private static final int MAX_KEYS = 100_000;

    private final Limits limits;
    private final Cache<String, Bucket> signUps;
    private final Cache<String, Bucket> checks;

    RateLimits(Limits limits) {
        this.limits = limits;
        // A bucket untouched for its whole refill period is full again: forgetting it changes nothing.
        this.signUps = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(Duration.ofHours(1)).build();
        this.checks = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(Duration.ofSeconds(10)).build();
    }

    /** A whole hour's sign-ups may come at once (a class signing up), then they come back over the hour. */
    void signUp(String address) {
        take(signUps, address, () -> Bucket.builder().addLimit(limit -> limit.capacity(limits.signUpsPerHour())
                .refillGreedy(limits.signUpsPerHour(), Duration.ofHours(1))).build(),
                "Too many accounts were made from your address; try again in %s.");
    }

    /** Two seconds' worth of checks may come at once, then as many each second as the limit says. */
    void check(Learner learner) {
        take(checks, learner.name(), () -> Bucket.builder().addLimit(limit -> limit
                        .capacity(2L * limits.checksPerSecond()).refillGreedy(limits.checksPerSecond(), Duration.ofSeconds(1)))
                        .build(),
                "You are asking for checks faster than a person can; try again in %s.");
    }

    private static void take(Cache<String, Bucket> buckets, String key, Supplier<Bucket> bucket, String message) {
        ConsumptionProbe probe = buckets.get(key, k -> bucket.get()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
            throw WebServer.tooManyRequests(message.formatted(inWords(seconds)), seconds);
        }
    }

    private static String inWords(long seconds) {
        if (seconds < 60) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 59) / 60;
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }
}

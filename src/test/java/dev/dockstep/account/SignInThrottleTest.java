package dev.dockstep.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void forty_guesses_from_eight_addresses_block_the_name_for_a_ninth_address_too() {
        SignInThrottle throttle = new SignInThrottle(new HandClock());
        for (int address = 1; address <= 8; address++) {
            for (int guess = 0; guess < 5; guess++) {
                throttle.failed("alice", "10.0.0." + address);
            }
        }
        assertTrue(throttle.wait("alice", "10.0.0.9").isPresent(), "a ninth address may not try again at once");
        assertTrue(throttle.wait("bob", "10.0.0.9").isEmpty(), "other names are not blocked");
    }

    @Test
    void five_failures_from_one_address_block_that_pair_for_the_rest_of_the_window() {
        HandClock clock = new HandClock();
        SignInThrottle throttle = new SignInThrottle(clock);
        for (int guess = 0; guess < 5; guess++) {
            throttle.failed("alice", "10.0.0.1");
            clock.advance(Duration.ofMinutes(1));
        }
        // The oldest failure was five minutes ago: it ages out in five more.
        assertEquals(Duration.ofMinutes(5), throttle.wait("alice", "10.0.0.1").orElseThrow());
        assertTrue(throttle.wait("alice", "10.0.0.2").isEmpty(), "five guesses do not block the name everywhere");
        clock.advance(Duration.ofMinutes(5));
        assertTrue(throttle.wait("alice", "10.0.0.1").isEmpty(), "the oldest failure has aged out");
    }

    @Test
    void failures_for_thousands_of_names_are_held_within_the_bound_and_forgotten_after_the_window() {
        HandClock clock = new HandClock();
        SignInThrottle throttle = new SignInThrottle(clock, 100);
        for (int i = 0; i < 5_000; i++) {
            throttle.failed("name" + i, "10.0." + (i / 250) + "." + (i % 250));
        }
        assertTrue(throttle.entries() <= 200, throttle.entries() + " entries for a bound of 100 names and 100 pairs");
        clock.advance(SignInThrottle.WINDOW.plusSeconds(1));
        assertEquals(0, throttle.entries(), "nothing outlives its window");
    }
}

package dev.dockstep.web;

import java.time.Duration;

/**
 * What one server lets anyone make it hold or do, so that no visitor can take it down for the
 * others. Each default is well above what a real class does; {@code serve}'s flags change them.
 *
 * @param signUpsPerHour new accounts one address may make in an hour (a whole class behind one
 *     router signs up at once, so this is a burst that refills over the hour)
 * @param checksPerSecond checks one learner may ask for each second, on average (a learner clicks
 *     Check about once a second at most; the classroom benchmark, 200 learners checking without
 *     a pause, asks 8 to 15 on two cores, and must stay well under it on faster machines)
 * @param streamsPerLearner live-event streams ({@code GET /events}) one learner, or one address
 *     without an account, may hold open: one per open page
 * @param maxStreams live-event streams the whole server holds open
 * @param heartbeat how often each stream gets a comment line, so that a closed one is noticed
 * @param idleTimeout how long a connection may send and receive nothing while a request is open
 * @param minRequestBytesPerSecond a request body that arrives slower than this is cut off
 * @param heapLimit the share of the heap that, still in use after a collection, makes
 *     {@code /healthz} say the server is short of memory
 */
public record Limits(int signUpsPerHour, int checksPerSecond, int streamsPerLearner, int maxStreams,
                     Duration heartbeat, Duration idleTimeout, long minRequestBytesPerSecond, double heapLimit) {

    public static Limits defaults() {
        return new Limits(300, 50, 20, 2_000, Duration.ofSeconds(15), Duration.ofSeconds(30), 1024, 0.9);
    }

    public Limits withSignUpsPerHour(int signUpsPerHour) {
        return new Limits(signUpsPerHour, checksPerSecond, streamsPerLearner, maxStreams, heartbeat, idleTimeout,
                minRequestBytesPerSecond, heapLimit);
    }

    public Limits withChecksPerSecond(int checksPerSecond) {
        return new Limits(signUpsPerHour, checksPerSecond, streamsPerLearner, maxStreams, heartbeat, idleTimeout,
                minRequestBytesPerSecond, heapLimit);
    }

    public Limits withStreams(int streamsPerLearner, int maxStreams) {
        return new Limits(signUpsPerHour, checksPerSecond, streamsPerLearner, maxStreams, heartbeat, idleTimeout,
                minRequestBytesPerSecond, heapLimit);
    }

    public Limits withIdleTimeout(Duration idleTimeout, long minRequestBytesPerSecond) {
        return new Limits(signUpsPerHour, checksPerSecond, streamsPerLearner, maxStreams, heartbeat, idleTimeout,
                minRequestBytesPerSecond, heapLimit);
    }
}

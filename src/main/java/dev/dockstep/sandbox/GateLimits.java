package dev.dockstep.sandbox;

import java.time.Duration;

/**
 * What one gate lets one learner make it hold.
 *
 * @param maxConnections connections open at once; one more is answered 503 and closed
 * @param maxHeadBytes the largest request head
 * @param maxBodyBytes the largest body the gate reads whole to judge it (JSON; streamed uploads are not bounded)
 * @param bufferBudget bytes of heads and judged bodies all connections of the gate may hold at once
 * @param requestTimeout how long a request's head (and a judged body) may take to arrive
 */
record GateLimits(int maxConnections, int maxHeadBytes, int maxBodyBytes, long bufferBudget, Duration requestTimeout) {
    static final GateLimits DEFAULT = new GateLimits(32, 64 * 1024, 1024 * 1024, 4L * 1024 * 1024, Duration.ofSeconds(30));
}

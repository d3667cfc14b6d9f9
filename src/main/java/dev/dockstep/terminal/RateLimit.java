package dev.dockstep.terminal;

/**
 * A token bucket for one reader: {@link #take} sleeps just long enough to keep to the rate, with
 * a burst so that a prompt or a short listing is never delayed.
 */
final class RateLimit {
    private final double bytesPerNano;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    RateLimit(int bytesPerSecond, int burst) {
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    void take(int bytes) throws InterruptedException {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * bytesPerNano);
        last = now;
        tokens -= bytes;
        if (tokens < 0) {
            long nanos = (long) (-tokens / bytesPerNano);
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }
}

package dev.dockstep.bench;

import java.util.List;

/** Percentiles of a set of durations in nanoseconds, reported in milliseconds. */
record Stats(double p50, double p95, double p99, int count) {
    static Stats of(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Stats(ms(at(sorted, 0.50)), ms(at(sorted, 0.95)), ms(at(sorted, 0.99)), sorted.length);
    }

    private static long at(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    @Override
    public String toString() {
        return "p50 " + p50 + " ms, p95 " + p95 + " ms, p99 " + p99 + " ms (n=" + count + ")";
    }
}

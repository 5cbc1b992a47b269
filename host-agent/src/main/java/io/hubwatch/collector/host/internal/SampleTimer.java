package io.hubwatch.collector.host.internal;

/**
 * How long readings of the host take: count, total and the longest since the last scrape, for
 * {@code hubwatch_agent_sample_duration_seconds}. One writer (the sampling thread), any reader.
 */
public final class SampleTimer {
    private long count;
    private long totalNanos;
    private long maxNanos;

    public synchronized void record(long nanos) {
        count++;
        totalNanos += nanos;
        maxNanos = Math.max(maxNanos, nanos);
    }

    synchronized long count() {
        return count;
    }

    synchronized double totalSeconds() {
        return totalNanos / 1e9;
    }

    /** The longest reading since the previous call (a scrape), then starts over. */
    synchronized double takeMaxSeconds() {
        double max = maxNanos / 1e9;
        maxNanos = 0;
        return max;
    }
}

package io.hubwatch.proxy.stats;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters and latency of one endpoint. Everything on the request path is a {@link LongAdder} increment or a
 * wait-free {@link Recorder} record; reading folds the recorders into cumulative histograms.
 *
 * <pre>{@code
 * EndpointStats s = stats.endpoint("/api/v1/models");
 * s.l1Hits.increment();
 * s.recordHit(System.nanoTime() - start);
 * }</pre>
 */
public final class EndpointStats {

    public final String endpoint;
    public final LongAdder l1Hits = new LongAdder();
    public final LongAdder l2Hits = new LongAdder();
    public final LongAdder misses = new LongAdder();
    public final LongAdder stale = new LongAdder();
    public final LongAdder coalesced = new LongAdder();
    public final LongAdder bypass = new LongAdder();
    public final LongAdder notStored = new LongAdder();
    public final LongAdder notModified = new LongAdder();
    public final LongAdder upstreamErrors = new LongAdder();
    public final LongAdder refreshes = new LongAdder();
    /** stored responses that replaced an entry of the same key with a different body */
    public final LongAdder changed = new LongAdder();
    /** stored responses that replaced an entry of the same key with the same body */
    public final LongAdder unchanged = new LongAdder();

    private final Recorder hitRecorder = new Recorder(3_600_000_000L, 2);
    private final Recorder missRecorder = new Recorder(3_600_000_000L, 2);
    private final Histogram hitTotal = new Histogram(3_600_000_000L, 2);
    private final Histogram missTotal = new Histogram(3_600_000_000L, 2);

    public EndpointStats(String endpoint) {
        this.endpoint = endpoint;
    }

    public void recordHit(long nanos) {
        hitRecorder.recordValue(Math.max(1, nanos / 1000));
    }

    public void recordMiss(long nanos) {
        missRecorder.recordValue(Math.max(1, nanos / 1000));
    }

    public long hits() {
        return l1Hits.sum() + l2Hits.sum() + stale.sum();
    }

    public long lookups() {
        return hits() + misses.sum();
    }

    public double hitRate() {
        long n = lookups();
        return n == 0 ? 0 : (double) hits() / n;
    }

    /** Cumulative hit latency in microseconds, a copy. */
    public synchronized Histogram hitLatency() {
        hitTotal.add(hitRecorder.getIntervalHistogram());
        return hitTotal.copy();
    }

    /** Cumulative miss latency in microseconds (upstream included), a copy. */
    public synchronized Histogram missLatency() {
        missTotal.add(missRecorder.getIntervalHistogram());
        return missTotal.copy();
    }
}

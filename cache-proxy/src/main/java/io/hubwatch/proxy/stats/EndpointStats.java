package io.hubwatch.proxy.stats;

import io.hubwatch.proxy.profile.Phase;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
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
    /** requests answered 503 because the upstream queue was full */
    public final LongAdder rejected = new LongAdder();
    /** stored responses that replaced an entry of the same key with a different body */
    public final LongAdder changed = new LongAdder();
    /** stored responses that replaced an entry of the same key with the same body */
    public final LongAdder unchanged = new LongAdder();

    private final Recorder hitRecorder = new Recorder(3_600_000_000L, 2);
    private final Recorder missRecorder = new Recorder(3_600_000_000L, 2);
    private final Histogram hitTotal = new Histogram(3_600_000_000L, 2);
    private final Histogram missTotal = new Histogram(3_600_000_000L, 2);
    private final Recorder otherRecorder = new Recorder(3_600_000_000L, 2);
    private final Histogram otherTotal = new Histogram(3_600_000_000L, 2);
    private final Timer[] phases = new Timer[Phase.values().length];

    public EndpointStats(String endpoint) {
        this.endpoint = endpoint;
    }

    void phaseTimer(Phase p, Timer t) {
        phases[p.ordinal()] = t;
    }

    /** Records time spent in one phase of a request (see {@link Phase}). */
    public void time(Phase p, long nanos) {
        Timer t = phases[p.ordinal()];
        if (t != null) {
            t.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
    }

    /** The phase's histogram (null for an endpoint made outside {@link ProxyStats}). */
    public Timer phase(Phase p) {
        return phases[p.ordinal()];
    }

    /** Records the whole time of a request that did not use the cache (bypass, pass-through). */
    public void recordOther(long nanos) {
        otherRecorder.recordValue(Math.max(1, nanos / 1000));
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

    /** Cumulative latency of requests that did not use the cache, in microseconds, a copy. */
    public synchronized Histogram otherLatency() {
        otherTotal.add(otherRecorder.getIntervalHistogram());
        return otherTotal.copy();
    }

    /** Cumulative miss latency in microseconds (upstream included), a copy. */
    public synchronized Histogram missLatency() {
        missTotal.add(missRecorder.getIntervalHistogram());
        return missTotal.copy();
    }
}

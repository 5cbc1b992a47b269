package io.hubwatch.loadtest.run.internal;

import io.hubwatch.loadtest.run.RunResult;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What one target answered in one phase or ramp step: latencies in microseconds from the intended send time,
 * answers by status, and how many requests are still out.
 */
public final class TargetStats {

    private static final long MAX_MICROS = 3_600_000_000L;
    private final Histogram latency = new Histogram(1, MAX_MICROS, 3);
    private final Map<String, Long> statuses = new TreeMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private long ok;
    private long errors;

    void sent() {
        sent.incrementAndGet();
    }

    synchronized void record(long micros, String status, boolean success) {
        latency.recordValue(Math.max(1, Math.min(MAX_MICROS, micros)));
        statuses.merge(status, 1L, Long::sum);
        if (success) {
            ok++;
        } else {
            errors++;
        }
        done.incrementAndGet();
    }

    /** Every request sent has been answered, failed or timed out. */
    public boolean complete() {
        return done.get() >= sent.get();
    }

    public long sentCount() {
        return sent.get();
    }

    public synchronized RunResult.TargetResult result(boolean reference, double offeredRate, double seconds,
                                                       Double hitRate) {
        long answered = ok + errors;
        double achievedRate = seconds > 0 ? ok / seconds : 0;
        return new RunResult.TargetResult(reference, sent.get(), ok, errors, answered == 0 ? 0 : (double) errors / answered,
                round(offeredRate), round(achievedRate), offeredRate > 0 ? round4(achievedRate / offeredRate) : 0,
                latency(latency), hitRate, new TreeMap<>(statuses));
    }

    static RunResult.Latency latency(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new RunResult.Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new RunResult.Latency(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()), ms(Math.round(h.getMean())));
    }

    static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}

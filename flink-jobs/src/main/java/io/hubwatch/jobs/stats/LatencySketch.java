package io.hubwatch.jobs.stats;

import java.util.Arrays;

/**
 * A mergeable quantile sketch with a relative-error guarantee, in the manner of DDSketch (Masson, Rim, Lee, VLDB 2019):
 * positive values go to logarithmic buckets {@code (γ^(i-1), γ^i]} with {@code γ = (1+α)/(1-α)}, and a quantile is
 * answered with the bucket's midpoint {@code 2γ^i/(γ+1)}, which is within {@code α} (relative) of every value in the
 * bucket. With {@link #RELATIVE_ACCURACY} = 0.5 % the answer for a rank is within 0.5 % of the exact value at that
 * rank, half of the 1 % the issue allows, leaving room for rounding. Merging adds bucket counts, so per-subtask or
 * per-window sketches combine exactly. Values at or below {@code 1e-9} (and zero) are counted as zero.
 *
 * <p>Size: one {@code long} per bucket between the smallest and largest value seen; 0.1 ms to 10 minutes is about
 * 1,600 buckets (13 KB). Public fields and a no-argument constructor make it a Flink POJO (state without Kryo).
 *
 * <pre>{@code
 * LatencySketch s = new LatencySketch();
 * s.add(812.5);
 * double p95 = s.quantile(0.95);
 * s.merge(other);
 * }</pre>
 */
public final class LatencySketch {
    public static final double RELATIVE_ACCURACY = 0.005;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);
    private static final double MIN_POSITIVE = 1e-9;

    /** Bucket counts; {@code counts[j]} holds bucket index {@code offset + j}. Empty until the first positive value. */
    public long[] counts = new long[0];
    public int offset;
    public long zeroCount;
    public long count;

    public LatencySketch() {}

    /** Adds one value; negative values are refused. */
    public void add(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("a latency must be a finite number >= 0, was " + value);
        }
        count++;
        if (value <= MIN_POSITIVE) {
            zeroCount++;
            return;
        }
        int index = (int) Math.ceil(Math.log(value) / LOG_GAMMA);
        ensure(index, index);
        counts[index - offset]++;
    }

    /** Adds every count of {@code other} to this sketch. */
    public void merge(LatencySketch other) {
        count += other.count;
        zeroCount += other.zeroCount;
        if (other.counts.length == 0) {
            return;
        }
        ensure(other.offset, other.offset + other.counts.length - 1);
        for (int j = 0; j < other.counts.length; j++) {
            counts[other.offset + j - offset] += other.counts[j];
        }
    }

    /**
     * The value at rank {@code ceil(q * count)} (the nearest-rank definition), within {@link #RELATIVE_ACCURACY} of
     * the exact value at that rank; NaN when empty.
     */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("a quantile must be in [0, 1], was " + q);
        }
        if (count == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = zeroCount;
        if (seen >= rank) {
            return 0;
        }
        for (int j = 0; j < counts.length; j++) {
            seen += counts[j];
            if (seen >= rank) {
                return 2 * Math.pow(GAMMA, offset + j) / (GAMMA + 1);
            }
        }
        return 2 * Math.pow(GAMMA, offset + counts.length - 1) / (GAMMA + 1); // not reached: counts sum to count
    }

    public long count() {
        return count;
    }

    private void ensure(int low, int high) {
        if (counts.length == 0) {
            offset = low;
            counts = new long[high - low + 1];
            return;
        }
        int currentHigh = offset + counts.length - 1;
        if (low >= offset && high <= currentHigh) {
            return;
        }
        int newLow = Math.min(low, offset);
        int newHigh = Math.max(high, currentHigh);
        long[] grown = new long[newHigh - newLow + 1];
        System.arraycopy(counts, 0, grown, offset - newLow, counts.length);
        counts = grown;
        offset = newLow;
    }

    @Override
    public String toString() {
        return "LatencySketch{count=" + count + ", buckets=" + counts.length + ", p50=" + quantile(0.5) + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencySketch s && s.count == count && s.zeroCount == zeroCount && s.offset == offset
                && Arrays.equals(s.counts, counts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(counts);
    }
}

package io.hubwatch.collector.ingest.internal;

/**
 * A token bucket counted in events: {@code rate} tokens per second up to {@code capacity}. A batch takes as many
 * tokens as it has events, all or nothing, so a refused batch costs the client nothing.
 *
 * <pre>{@code
 * TokenBucket bucket = new TokenBucket(1_000, 2_000, System.nanoTime());
 * long waitMs = bucket.take(500, System.nanoTime());   // 0 = allowed; else how long until it would be
 * }</pre>
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double perSecond, long capacity, long nowNanos) {
        this.ratePerNano = perSecond / 1e9;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Whether at least one token is there now (takes none): lets a flood be refused before its body is read. */
    public synchronized boolean hasAny(long nowNanos) {
        return Math.min(capacity, tokens + (nowNanos - lastNanos) * ratePerNano) >= 1;
    }

    /** Takes {@code n} tokens and returns 0, or takes none and returns the milliseconds until {@code n} are there. */
    public synchronized long take(long n, long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        if (tokens >= n) {
            tokens -= n;
            return 0;
        }
        double missing = Math.min(n, capacity) - tokens;
        return Math.max(1, (long) Math.ceil(missing / ratePerNano / 1e6));
    }
}

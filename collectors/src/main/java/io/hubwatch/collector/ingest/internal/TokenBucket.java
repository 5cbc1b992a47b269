package io.hubwatch.collector.ingest.internal;

/**
 * A token bucket counted in events: {@code rate} tokens per second up to {@code capacity}. A batch that will be
 * accepted takes as many tokens as it has events, all or nothing ({@link #take}); a request that is refused anyway
 * (malformed, too large, only bad events) still pays what it cost to read and check, as far as the bucket holds
 * ({@link #charge}), so a flood of refused bodies is limited like a flood of good ones.
 *
 * <pre>{@code
 * TokenBucket bucket = new TokenBucket(1_000, 2_000, clockNanos);
 * long waitMs = bucket.take(500, clockNanos);   // 0 = allowed; else how long until it would be
 * bucket.charge(40, clockNanos);               // a refused body of 40 KiB
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
        refill(nowNanos);
        return tokens >= 1;
    }

    /** Takes {@code n} tokens and returns 0, or takes none and returns the milliseconds until {@code n} are there. */
    public synchronized long take(long n, long nowNanos) {
        refill(nowNanos);
        if (tokens >= n) {
            tokens -= n;
            return 0;
        }
        double missing = Math.min(n, capacity) - tokens;
        return Math.max(1, (long) Math.ceil(missing / ratePerNano / 1e6));
    }

    /** Takes {@code n} tokens, or all there are when fewer: what a refused request pays. */
    public synchronized void charge(long n, long nowNanos) {
        refill(nowNanos);
        tokens = Math.max(0, tokens - n);
    }

    private void refill(long nowNanos) {
        // a wall clock may step back (NTP): then nothing is added, rather than tokens taken away
        long elapsed = Math.max(0, nowNanos - lastNanos);
        tokens = Math.min(capacity, tokens + elapsed * ratePerNano);
        lastNanos = Math.max(lastNanos, nowNanos);
    }
}

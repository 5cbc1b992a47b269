package io.hubwatch.notify.delivery;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, up to {@code burst} saved. {@link #acquire()} waits for a
 * token instead of dropping the notification, and says whether it had to wait (counted as rate-limited).
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(5.0, 10);
 * boolean waited = limiter.acquire();
 * }</pre>
 */
public final class RateLimiter {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    public RateLimiter(double ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes one token, waiting if there is none. @return true if it had to wait */
    public boolean acquire() throws InterruptedException {
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= 1;
            if (tokens >= 0) {
                return false;
            }
            // the token is reserved now (tokens < 0); wait until the bucket has refilled to zero
            waitNanos = (long) Math.ceil(-tokens / ratePerNano);
        }
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        return true;
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
    }
}

package io.hubwatch.proxy.strategy;

import java.time.Duration;

/**
 * How long an entry is fresh, and for how long after that a stale copy may still be served: while it is being
 * revalidated in the background (stale-while-revalidate, RFC 5861) or when the origin fails (stale-if-error).
 *
 * <pre>{@code
 * Freshness f = new Freshness(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMinutes(5));
 * switch (f.state(ageMillis)) { case FRESH -> ...; case STALE_REVALIDATE -> ...; ... }
 * }</pre>
 */
public record Freshness(Duration ttl, Duration staleWhileRevalidate, Duration staleIfError) {

    public enum State {
        /** younger than the TTL */
        FRESH,
        /** past the TTL, inside the stale-while-revalidate window: serve it and refresh in the background */
        STALE_REVALIDATE,
        /** past both TTL and revalidate window, inside the stale-if-error window: only if the origin fails */
        STALE_IF_ERROR,
        /** of no use */
        EXPIRED
    }

    public Freshness {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        staleWhileRevalidate = staleWhileRevalidate == null ? Duration.ZERO : staleWhileRevalidate;
        staleIfError = staleIfError == null ? Duration.ZERO : staleIfError;
    }

    public State state(long ageMillis) {
        return state(ageMillis, ttl.toMillis(), staleWhileRevalidate.toMillis(), staleIfError.toMillis());
    }

    /** The same decision on plain millis, for hot paths that keep the numbers unboxed. */
    public static State state(long ageMillis, long ttlMillis, long swrMillis, long sieMillis) {
        if (ageMillis < ttlMillis) {
            return State.FRESH;
        }
        long pastTtl = ageMillis - ttlMillis;
        if (pastTtl < swrMillis) {
            return State.STALE_REVALIDATE;
        }
        if (pastTtl < sieMillis) {
            return State.STALE_IF_ERROR;
        }
        return State.EXPIRED;
    }

    /** How long an entry must be kept so every state above can be served. */
    public long retainMillis() {
        return ttl.toMillis() + Math.max(staleWhileRevalidate.toMillis(), staleIfError.toMillis());
    }
}

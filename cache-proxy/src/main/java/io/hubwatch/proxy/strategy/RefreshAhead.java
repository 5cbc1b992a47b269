package io.hubwatch.proxy.strategy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Refresh-ahead: a hot entry is reloaded in the background before it expires, so steady readers never see a miss.
 * Each entry gets its own refresh point between {@code (at - jitter)} and {@code at} of its TTL, so entries stored
 * together do not all refresh at the same instant.
 *
 * <pre>{@code
 * RefreshAhead ra = new RefreshAhead(0.8, 0.1, 2);
 * long refreshAt = ra.refreshAtMillis(ttlMillis);          // once, when the entry is stored
 * if (ra.due(ageMillis, refreshAt, hits)) reloadInBackground();
 * }</pre>
 *
 * @param at      fraction of the TTL at which refresh starts at the latest (0 &lt; at &lt;= 1)
 * @param jitter  how much earlier than {@code at} it may start, as a fraction of the TTL
 * @param minHits how many hits make an entry hot enough to refresh; cold entries simply expire
 */
public record RefreshAhead(double at, double jitter, int minHits) {

    public static final RefreshAhead DISABLED = new RefreshAhead(1.0, 0.0, Integer.MAX_VALUE);

    public RefreshAhead {
        if (!(at > 0 && at <= 1)) {
            throw new IllegalArgumentException("refresh-ahead point must be in (0, 1], got " + at);
        }
        if (!(jitter >= 0 && jitter < at)) {
            throw new IllegalArgumentException("refresh-ahead jitter must be in [0, " + at + "), got " + jitter);
        }
    }

    /** The age at which an entry with this TTL should be refreshed, jittered. */
    public long refreshAtMillis(long ttlMillis) {
        double fraction = at - (jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(jitter));
        return (long) (ttlMillis * fraction);
    }

    public boolean due(long ageMillis, long refreshAtMillis, long hits) {
        return hits >= minHits && ageMillis >= refreshAtMillis;
    }
}

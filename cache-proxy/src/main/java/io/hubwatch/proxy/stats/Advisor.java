package io.hubwatch.proxy.stats;

import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.config.EndpointPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns observed statistics into advice: TTL changes from how often refreshed data actually changed and how often
 * entries are hit, and the keys that hold memory without earning hits.
 *
 * <pre>{@code
 * Map<String, Object> advice = Advisor.advise(policies, stats, l1Entries, System.currentTimeMillis());
 * }</pre>
 */
public final class Advisor {

    /** Below this many replaced entries the change rate says too little to advise on. */
    static final int MIN_SAMPLES = 5;

    private Advisor() {
    }

    public static Map<String, Object> advise(Map<String, EndpointPolicy> policies, ProxyStats stats,
                                             List<CachedResponse> entries, long now) {
        List<Map<String, Object>> ttl = new ArrayList<>();
        for (EndpointPolicy p : policies.values()) {
            EndpointStats s = stats.endpoint(p.path());
            long changed = s.changed.sum();
            long unchanged = s.unchanged.sum();
            long samples = changed + unchanged;
            long lookups = s.lookups();
            double hitRate = s.hitRate();
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("endpoint", p.path());
            a.put("ttl", seconds(p.ttl()));
            a.put("hit_rate", round(hitRate));
            a.put("lookups", lookups);
            a.put("reloads_compared", samples);
            a.put("change_rate", samples == 0 ? null : round((double) changed / samples));
            if (samples >= MIN_SAMPLES && changed == 0) {
                a.put("action", "raise_ttl");
                a.put("suggested_ttl", seconds(p.ttl().multipliedBy(4)));
                a.put("why", "the data was the same on all " + samples + " reloads: a longer TTL saves upstream calls"
                        + " without serving older data than now");
            } else if (samples >= MIN_SAMPLES && (double) changed / samples < 0.1) {
                a.put("action", "raise_ttl");
                a.put("suggested_ttl", seconds(p.ttl().multipliedBy(2)));
                a.put("why", "the data changed on only " + changed + " of " + samples + " reloads");
            } else if (samples >= MIN_SAMPLES && (double) changed / samples > 0.5) {
                a.put("action", "lower_ttl");
                a.put("suggested_ttl", seconds(p.ttl().dividedBy(2)));
                a.put("why", "the data changed on " + changed + " of " + samples + " reloads: clients often see data"
                        + " up to " + seconds(p.ttl()) + " old; halve the TTL if that is too old, or purge on change");
            } else if (lookups >= 100 && hitRate < 0.3) {
                a.put("action", p.varyByUser() ? "check_vary_by_user" : "raise_ttl_or_stop_caching");
                a.put("why", p.varyByUser()
                        ? "per-user entries are rarely reused (hit rate " + round(hitRate) + "); if the data is the same"
                        + " for every user, set vary_by_user: false"
                        : "entries are rarely reused within the TTL (hit rate " + round(hitRate) + ")");
            } else {
                a.put("action", "keep");
                a.put("why", samples < MIN_SAMPLES ? "not enough reloads observed yet (" + samples + ")"
                        : "change rate and hit rate fit the TTL");
            }
            ttl.add(a);
        }
        List<Map<String, Object>> waste = new ArrayList<>();
        entries.stream()
                .filter(e -> e.hits == 0 && now - e.storedAt > e.ttlMillis / 2)
                .sorted(Comparator.comparingInt(CachedResponse::weight).reversed())
                .limit(20)
                .forEach(e -> {
                    Map<String, Object> w = new LinkedHashMap<>();
                    w.put("key", e.key);
                    w.put("bytes", e.weight());
                    w.put("hits", e.hits);
                    w.put("age_s", (now - e.storedAt) / 1000);
                    w.put("why", "no hit in more than half its TTL");
                    waste.add(w);
                });
        long wastedBytes = entries.stream().filter(e -> e.hits == 0 && now - e.storedAt > e.ttlMillis / 2)
                .mapToLong(CachedResponse::weight).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ttl", ttl);
        out.put("wasteful_keys", waste);
        out.put("wasted_bytes", wastedBytes);
        return out;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

package io.hubwatch.proxy.profile;

import io.hubwatch.proxy.stats.EndpointStats;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The API profiler's report: per endpoint, where the time went (the {@link Phase}s), the endpoints ranked slowest
 * first by their 95th percentile, and each one's bottleneck named.
 *
 * <p>The bottleneck is the kind of phase that took the most time in total: waiting for an upstream slot is
 * {@code queue-bound}; compressing bodies is {@code compression-bound}; upstream time (connect, first byte, transfer)
 * or cache look-ups on an endpoint that misses more often than it hits is {@code miss-bound} (more caching would
 * help most); upstream time on an endpoint that mostly hits is {@code upstream-bound} (the few fetches are slow);
 * look-ups that dominate despite hits are {@code cache-bound}; writing to clients is {@code write-bound}.
 *
 * <pre>{@code
 * Map<String, Object> report = Profile.report(stats.endpoints(), stats.passThroughProfile);
 * }</pre>
 */
public final class Profile {

    /** Samples a sampled phase needs before its total is scaled up by the sampling rate. */
    static final int MIN_SAMPLES = 32;

    private Profile() {
    }

    /** One endpoint's attribution: the bottleneck's name and the sentence that explains it. */
    public record Verdict(String bottleneck, String reason) {}

    /** The report as a JSON-ready map; {@code passThrough} may be null. */
    public static Map<String, Object> report(Iterable<EndpointStats> endpoints, EndpointStats passThrough) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EndpointStats s : endpoints) {
            rows.add(row(s, true));
        }
        if (passThrough != null) {
            rows.add(row(passThrough, false));
        }
        rows.removeIf(r -> ((Number) r.get("requests")).longValue() == 0);
        rows.sort(Comparator.comparingDouble((Map<String, Object> r) ->
                ((Number) ((Map<?, ?>) r.get("latency_ms")).get("p95")).doubleValue()).reversed());
        for (int i = 0; i < rows.size(); i++) {
            rows.get(i).put("rank", i + 1);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ranked_by", "latency_ms.p95");
        out.put("endpoints", rows);
        return out;
    }

    private static Map<String, Object> row(EndpointStats s, boolean cached) {
        Histogram all = s.hitLatency();
        all.add(s.missLatency());
        all.add(s.otherLatency());
        Map<Phase, Double> seconds = new EnumMap<>(Phase.class);
        Map<String, Object> phases = new LinkedHashMap<>();
        double total = 0;
        for (Phase p : Phase.values()) {
            Timer t = s.phase(p);
            double sec = t == null ? 0 : t.totalTime(TimeUnit.SECONDS) * scale(p, t.count());
            seconds.put(p, sec);
            total += sec;
        }
        for (Phase p : Phase.values()) {
            Timer t = s.phase(p);
            Map<String, Object> ph = new LinkedHashMap<>();
            HistogramSnapshot snap = t == null ? null : t.takeSnapshot();
            long count = snap == null ? 0 : snap.count();
            ph.put("count", count);
            if (p.sampled) {
                ph.put("sampled_one_in", Phase.SAMPLE_EVERY);
                ph.put("total_scaled_by", scale(p, count));
            }
            // sampled phases: estimated from the samples
            ph.put("total_seconds", round(seconds.get(p), 6));
            ph.put("mean_ms", count == 0 ? 0 : round(snap.total(TimeUnit.MILLISECONDS) / count, 3));
            ph.put("p95_ms_at_most", count == 0 ? 0 : round(bucketQuantile(snap, 0.95), 3));
            ph.put("max_ms", snap == null ? 0 : round(snap.max(TimeUnit.MILLISECONDS), 3));
            ph.put("share", total == 0 ? 0 : round(seconds.get(p) / total, 4));
            phases.put(p.label, ph);
        }
        long lookups = s.lookups();
        double hitRate = lookups == 0 ? 0 : s.hitRate();
        Verdict v = verdict(seconds, cached && lookups > 0 ? hitRate : -1, s.rejected.sum());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("endpoint", s.endpoint);
        r.put("requests", all.getTotalCount() + s.rejected.sum());
        r.put("hit_rate", round(hitRate, 4));
        r.put("rejected_503", s.rejected.sum());
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", all.getValueAtPercentile(50) / 1000.0);
        lat.put("p95", all.getValueAtPercentile(95) / 1000.0);
        lat.put("p99", all.getValueAtPercentile(99) / 1000.0);
        lat.put("max", all.getMaxValue() / 1000.0);
        r.put("latency_ms", lat);
        r.put("bottleneck", v.bottleneck());
        r.put("reason", v.reason());
        r.put("phases", phases);
        return r;
    }

    /**
     * Names the bottleneck from the seconds spent per phase.
     *
     * @param hitRate  the endpoint's hit rate, or -1 when it is not cached (pass-through)
     * @param rejected requests refused because the queue was full: a queue that overflows is queue-bound
     */
    public static Verdict verdict(Map<Phase, Double> seconds, double hitRate, long rejected) {
        Map<Phase.Kind, Double> byKind = new EnumMap<>(Phase.Kind.class);
        double total = 0;
        for (Map.Entry<Phase, Double> e : seconds.entrySet()) {
            byKind.merge(e.getKey().kind, e.getValue(), Double::sum);
            total += e.getValue();
        }
        if (total == 0 && rejected == 0) {
            return new Verdict("none", "no time recorded yet");
        }
        Phase.Kind top = Phase.Kind.QUEUE;
        for (Phase.Kind k : Phase.Kind.values()) {
            if (byKind.getOrDefault(k, 0.0) > byKind.getOrDefault(top, 0.0)) {
                top = k;
            }
        }
        String share = total == 0 ? "" : Math.round(100 * byKind.getOrDefault(top, 0.0) / total) + "% of the time";
        String hits = hitRate < 0 ? "not cached" : "hit rate " + Math.round(hitRate * 100) + "%";
        if (top == Phase.Kind.QUEUE || (total == 0 && rejected > 0)) {
            return new Verdict("queue-bound", "waiting for an upstream slot: " + share + (rejected > 0
                    ? ", " + rejected + " requests refused with 503" : "") + "; raise max_upstream_concurrency or "
                    + "cache more of this endpoint");
        }
        switch (top) {
            case COMPRESSION -> {
                return new Verdict("compression-bound", "compressing bodies: " + share
                        + "; raise compress_min_bytes or lengthen the TTL");
            }
            case WRITE -> {
                return new Verdict("write-bound", "writing responses to clients: " + share + "; slow clients or large"
                        + " bodies");
            }
            default -> {
                if (hitRate >= 0 && hitRate < 0.5) {
                    return new Verdict("miss-bound", "fetching what the cache did not hold: " + share + ", " + hits
                            + "; lengthen the TTL, warm the keys, or check what varies the key");
                }
                if (top == Phase.Kind.CACHE) {
                    return new Verdict("cache-bound", "cache look-ups (L1 and Redis): " + share + ", " + hits
                            + "; check Redis latency");
                }
                return new Verdict("upstream-bound", "upstream connect, first byte and transfer: " + share + ", "
                        + hits + "; the upstream itself is slow");
            }
        }
    }

    /**
     * How much a phase's recorded total is scaled up: a sampled phase by its sampling rate once it has
     * {@link #MIN_SAMPLES} samples; below that one slow sample (a first write, a GC pause) times 16 would outweigh
     * everything else, so the recorded total is taken as it is (an underestimate, at a traffic too low for the hit
     * path to be anyone's bottleneck).
     */
    static int scale(Phase p, long samples) {
        return p.sampled && samples >= MIN_SAMPLES ? Phase.SAMPLE_EVERY : 1;
    }

    /** The upper bound of the bucket holding the quantile, in milliseconds (Prometheus buckets are cumulative). */
    private static double bucketQuantile(HistogramSnapshot snap, double q) {
        double want = q * snap.count();
        for (CountAtBucket b : snap.histogramCounts()) {
            if (b.count() >= want) {
                return b.bucket(TimeUnit.MILLISECONDS);
            }
        }
        return snap.max(TimeUnit.MILLISECONDS);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}

package io.hubwatch.loadtest.advise;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The performance advisor: turns what the parts report (the proxy's stats, advice and profile, Flink's metrics, the
 * host, a load-test report, the database advisor) into ranked recommendations with evidence and expected gain. Pure:
 * inputs in, advice out; {@code hubwatch advise} does the fetching.
 *
 * <pre>{@code
 * Advisor.Inputs in = new Advisor.Inputs(Map.of("proxy", stats), Map.of("proxy", advice), Map.of(), flinkText,
 *         host, loadtestReport, dbAdvice);
 * List<Recommendation> advice = Advisor.advise(in);
 * }</pre>
 */
public final class Advisor {

    /** The hit rate the seed targets. */
    static final double HIT_RATE_TARGET = 0.80;

    private Advisor() {
    }

    /**
     * What the advisor reads; any part may be missing (null or empty) and is then named as not looked at.
     *
     * @param proxyStats    {@code /_proxy/stats} per proxy name
     * @param proxyAdvice   {@code /_proxy/advice} per proxy name
     * @param proxyProfile  {@code /_proxy/profile} per proxy name (where the time goes, per endpoint)
     * @param flinkMetrics  Flink's Prometheus text
     * @param host          this machine's saturation
     * @param loadtest      a {@code report.json} of {@code hubwatch loadtest}
     * @param database      the database advisor's output, or null when it is not configured
     */
    public record Inputs(Map<String, JsonNode> proxyStats, Map<String, JsonNode> proxyAdvice,
                         Map<String, JsonNode> proxyProfile, String flinkMetrics, Host host, JsonNode loadtest,
                         String database) {
    }

    /** @param cpuUsage 0..1 over the sampled second */
    public record Host(int cores, double cpuUsage, double loadAverage, double memoryUsedFraction) {
    }

    public static List<Recommendation> advise(Inputs in) {
        List<Recommendation> out = new ArrayList<>();
        in.proxyStats().forEach((name, stats) -> proxy(name, stats, in.proxyAdvice().get(name), out));
        in.proxyProfile().forEach((name, profile) -> profile(name, profile, out));
        if (in.loadtest() != null) {
            loadtest(in.loadtest(), out);
        }
        if (in.flinkMetrics() != null) {
            flink(in.flinkMetrics(), out);
        }
        if (in.host() != null) {
            host(in.host(), out);
        }
        if (in.database() != null && !in.database().isBlank()) {
            out.add(new Recommendation("database", 2, "Indexes and queries (database advisor)",
                    List.of("`hubwatch db advise`:\n\n```\n" + in.database().strip() + "\n```"),
                    "apply the advisor's index statements after checking them on a replica", "as the advisor estimates"));
        }
        out.sort(Comparator.comparingInt(Recommendation::priority));
        return out;
    }

    private static void proxy(String name, JsonNode stats, JsonNode advice, List<Recommendation> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = stats.path("endpoints").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            long hits = s.path("hits_l1").asLong() + s.path("hits_l2").asLong() + s.path("stale_served").asLong();
            long misses = s.path("misses").asLong();
            long lookups = hits + misses;
            if (lookups < 100) {
                continue;
            }
            double hitRate = (double) hits / lookups;
            double missMs = s.path("latency_miss").path("p50_ms").asDouble();
            double hitMs = s.path("latency_hit").path("p50_ms").asDouble();
            if (hitRate < HIT_RATE_TARGET) {
                double saved = (HIT_RATE_TARGET - hitRate) * Math.max(0, missMs - hitMs);
                JsonNode ttl = ttlAdvice(advice, e.getKey());
                String action = ttl != null && !ttl.path("action").asText().equals("keep")
                        ? ttl.path("action").asText().replace('_', ' ') + (ttl.has("suggested_ttl")
                        ? " to " + ttl.path("suggested_ttl").asText() : "") + ": " + ttl.path("why").asText()
                        : "raise the TTL of " + e.getKey() + " if its data may be that old, warm its hot keys on start "
                        + "(warmup.paths), and check vary_by_user: per-user entries are reused only by their user";
                out.add(new Recommendation("caching", 1, name + ": " + e.getKey() + " hits only " + pct(hitRate)
                        + " (target " + pct(HIT_RATE_TARGET) + ")",
                        List.of("/_proxy/stats: " + hits + " hits, " + misses + " misses; p50 " + ms(hitMs) + " on a hit, "
                                + ms(missMs) + " on a miss"),
                        action, "reaching " + pct(HIT_RATE_TARGET) + " saves about " + ms(saved)
                        + " per request on average ((" + pct(HIT_RATE_TARGET) + " − " + pct(hitRate) + ") × ("
                        + ms(missMs) + " − " + ms(hitMs) + ")) and " + Math.round((HIT_RATE_TARGET - hitRate) * lookups)
                        + " upstream calls per " + lookups + " requests"));
            }
        }
        if (advice != null) {
            for (JsonNode a : advice.path("ttl")) {
                String action = a.path("action").asText();
                if (action.equals("raise_ttl") || action.equals("lower_ttl")) {
                    out.add(new Recommendation("caching", 2, name + ": " + action.replace('_', ' ') + " of "
                            + a.path("endpoint").asText() + " to " + a.path("suggested_ttl").asText(),
                            List.of("/_proxy/advice: TTL " + a.path("ttl").asText() + ", hit rate "
                                    + pct(a.path("hit_rate").asDouble()) + ", data changed on "
                                    + (a.path("change_rate").isNull() ? "?" : pct(a.path("change_rate").asDouble()))
                                    + " of " + a.path("reloads_compared").asLong() + " reloads"),
                            a.path("why").asText(), action.equals("raise_ttl")
                            ? "fewer upstream reloads for the same freshness" : "fresher answers"));
                }
            }
            long wasted = advice.path("wasted_bytes").asLong();
            if (wasted > 64L << 20) {
                out.add(new Recommendation("caching", 3, name + ": " + (wasted >> 20) + " MB of cached entries were never hit",
                        List.of("/_proxy/advice: wasted_bytes " + wasted + "; largest keys listed under wasteful_keys"),
                        "stop caching the endpoints those keys belong to, or shorten their TTL",
                        (wasted >> 20) + " MB of L1 for entries that earn hits"));
            }
        }
        long passThrough = stats.path("pass_through").asLong();
        long cachedLookups = 0;
        for (JsonNode s : stats.path("endpoints")) {
            cachedLookups += s.path("hits_l1").asLong() + s.path("hits_l2").asLong() + s.path("misses").asLong()
                    + s.path("stale_served").asLong();
        }
        if (passThrough > 100 && passThrough > cachedLookups) {
            out.add(new Recommendation("caching", 2, name + ": most requests pass through uncached",
                    List.of("/_proxy/stats: " + passThrough + " passed through, " + cachedLookups + " looked up in the cache"),
                    "list the read-mostly GET endpoints among them under endpoints: with a TTL (the profile names "
                            + "the slowest)", "each cached hit answers in well under a millisecond instead of the upstream's time"));
        }
        long rejected = stats.path("rejected_503").asLong();
        if (rejected > 0) {
            out.add(new Recommendation("concurrency", 1, name + ": " + rejected + " requests were refused with 503 (upstream queue full)",
                    List.of("/_proxy/stats: rejected_503 " + rejected),
                    "raise max_upstream_concurrency if the upstream has room (its latency does not grow with load), "
                            + "else raise upstream_queue only to absorb bursts; cache more to send fewer",
                    "no refused requests at the same load"));
        }
    }

    private static JsonNode ttlAdvice(JsonNode advice, String endpoint) {
        if (advice == null) {
            return null;
        }
        for (JsonNode a : advice.path("ttl")) {
            if (a.path("endpoint").asText().equals(endpoint)) {
                return a;
            }
        }
        return null;
    }

    /** The proxy's profile: the slowest endpoints and each one's bottleneck; read leniently (a list or a map). */
    private static void profile(String name, JsonNode profile, List<Recommendation> out) {
        JsonNode eps = profile.has("slowest") ? profile.path("slowest") : profile.path("endpoints");
        List<JsonNode> list = new ArrayList<>();
        if (eps.isArray()) {
            eps.forEach(list::add);
        } else {
            eps.fields().forEachRemaining(f -> list.add(f.getValue()));
        }
        int rank = 0;
        for (JsonNode ep : list) {
            String bottleneck = ep.path("bottleneck").asText("");
            if (bottleneck.isEmpty() || bottleneck.equals("none") || ++rank > 5) {
                continue;
            }
            String endpoint = ep.has("endpoint") ? ep.path("endpoint").asText() : ep.path("path").asText("?");
            String action = switch (bottleneck) {
                case "upstream-bound" -> "the upstream's own time dominates: cache it (or raise its TTL), or speed up the upstream";
                case "queue-bound" -> "requests wait for an upstream slot: raise max_upstream_concurrency while the "
                        + "upstream's latency stays flat, or cache more of it";
                case "miss-bound" -> "misses dominate: raise the TTL, warm its hot keys on start, use stale_while_revalidate";
                case "compression-bound" -> "compressing the body dominates: raise compress_min_bytes or store it pre-compressed";
                case "cache-bound" -> "cache lookups dominate (L2 round trips): keep hot keys in L1 (raise l1_max_bytes) "
                        + "or put Redis closer";
                case "write-bound" -> "writing the response dominates: large bodies or slow clients; compress, paginate";
                default -> "look at its time breakdown in /_proxy/profile";
            };
            out.add(new Recommendation("concurrency", 2, name + ": " + endpoint + " is " + bottleneck,
                    List.of("/_proxy/profile: " + (ep.has("reason") ? ep.path("reason").asText() + "; " : "")
                            + "p95 " + ep.path("latency_ms").path("p95").asText("?") + " ms over "
                            + ep.path("requests").asText("?") + " requests"), action, "its share of the time named by the bottleneck"));
        }
    }

    private static void loadtest(JsonNode report, List<Recommendation> out) {
        for (JsonNode p : report.path("phases")) {
            JsonNode knee = p.path("knee");
            if (knee.isObject() && knee.path("rate").isNumber()) {
                double rate = knee.path("rate").asDouble();
                out.add(new Recommendation("concurrency", 2, "Capacity: the knee of '" + p.path("name").asText() + "' is "
                        + Math.round(rate) + " requests/s",
                        List.of("load test " + report.path("scenario").asText() + ": held up to " + Math.round(rate)
                                + "/s; " + (knee.path("broke_at").isNumber() ? "broke at " + Math.round(knee.path("broke_at")
                                .asDouble()) + "/s: " + knee.path("reason").asText() : knee.path("reason").asText())),
                        "keep the expected peak below " + Math.round(rate * 0.7) + "/s (70 % of the knee) per instance, "
                                + "or add instances before it", "headroom for bursts and for a slower upstream"));
            }
            if (!p.path("judged").asBoolean(true) || p.path("kind").asText().equals("ramp")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.path("targets").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode t = e.getValue();
                if (t.path("reference").asBoolean()) {
                    continue;
                }
                double rate = t.path("achieved_rate").asDouble();
                double p99 = t.path("latency_ms").path("p99").asDouble();
                // Little's law: requests in flight = arrival rate x time in the system
                long inFlight = Math.round(rate * p99 / 1000.0);
                if (rate > 0 && inFlight > 0) {
                    out.add(new Recommendation("concurrency", 3, "Size pools for " + inFlight * 2 + " requests in flight on "
                            + e.getKey(), List.of("load test phase '" + p.path("name").asText() + "': " + Math.round(rate)
                            + " requests/s, p99 " + ms(p99) + " → " + rate + " × " + p99 / 1000 + " s = " + inFlight
                            + " in flight at the p99 (Little's law)"),
                            "give connection pools and max_upstream_concurrency at least twice that (" + inFlight * 2
                                    + "), so a doubling of latency does not queue requests; a database pool rarely needs "
                                    + "more than cores × 2 + 1 connections", "no waiting for a connection at this load"));
                }
            }
        }
    }

    /** Flink's Prometheus metrics: checkpoint time and failures, back-pressure, Kafka lag, event-time lag. */
    static void flink(String text, List<Recommendation> out) {
        Map<String, Double> worst = new LinkedHashMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isNaN(v)) {
                continue;
            }
            String series = line.substring(0, space);
            String metric = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            for (String key : List.of("lastCheckpointDuration", "numberOfFailedCheckpoints", "backPressuredTimeMsPerSecond",
                    "records_lag_max", "pendingRecords", "currentEmitEventTimeLag")) {
                if (metric.endsWith(key) && v > worst.getOrDefault(key, -1.0)) {
                    worst.put(key, v);
                    where.put(key, series);
                }
            }
        }
        if (worst.isEmpty()) {
            out.add(new Recommendation("streaming", 3, "Flink: no checkpoint, back-pressure or lag metrics found",
                    List.of("the Flink metrics had none of lastCheckpointDuration, backPressuredTimeMsPerSecond, "
                            + "records_lag_max, pendingRecords, currentEmitEventTimeLag"),
                    "check that the Prometheus reporter is on and the jobs run", "the advisor can then judge the alert engine"));
            return;
        }
        Double ckpt = worst.get("lastCheckpointDuration");
        if (ckpt != null && ckpt > 10_000) {
            out.add(new Recommendation("streaming", 1, "Flink: checkpoints take " + ms(ckpt),
                    List.of(where.get("lastCheckpointDuration") + " = " + ckpt), "enable unaligned checkpoints or "
                    + "buffer debloating under back-pressure, use the RocksDB backend with incremental checkpoints for "
                    + "large state, and look for a slow sink", "shorter recovery and less end-to-end latency"));
        }
        Double failed = worst.get("numberOfFailedCheckpoints");
        if (failed != null && failed > 0) {
            out.add(new Recommendation("streaming", 1, "Flink: " + Math.round(failed) + " failed checkpoints",
                    List.of(where.get("numberOfFailedCheckpoints") + " = " + failed), "read the job manager's log for the "
                    + "cause (timeout, a sink that refuses, disk); a job that cannot checkpoint replays more after a crash",
                    "exactly-once results and fast recovery"));
        }
        Double bp = worst.get("backPressuredTimeMsPerSecond");
        if (bp != null && bp > 100) {
            out.add(new Recommendation("streaming", 1, "Flink: a task is back-pressured " + Math.round(bp / 10) + " % of the time",
                    List.of(where.get("backPressuredTimeMsPerSecond") + " = " + bp),
                    "the operator after it is the bottleneck: raise its parallelism or make it cheaper (state access, "
                            + "a blocking call, serialization)", "the alert engine keeps up instead of lagging"));
        }
        double lag = Math.max(worst.getOrDefault("records_lag_max", 0.0), worst.getOrDefault("pendingRecords", 0.0));
        if (lag > 10_000) {
            out.add(new Recommendation("streaming", 1, "Flink: the alert engine is " + Math.round(lag) + " records behind Kafka",
                    List.of("Kafka source lag (records_lag_max / pendingRecords) = " + Math.round(lag)),
                    "raise the source's parallelism up to the topic's partitions, and remove back-pressure downstream",
                    "incidents within seconds of the data instead of after the backlog"));
        }
        Double eventLag = worst.get("currentEmitEventTimeLag");
        if (eventLag != null && eventLag > 60_000) {
            out.add(new Recommendation("streaming", 2, "Flink: events are emitted " + ms(eventLag) + " after their time",
                    List.of(where.get("currentEmitEventTimeLag") + " = " + eventLag),
                    "the engine is behind or producers send late; compare with the Kafka lag", "timelier incidents"));
        }
        if (out.stream().noneMatch(r -> r.area().equals("streaming"))) {
            out.add(new Recommendation("streaming", 3, "Flink: checkpoints, back-pressure and lag are healthy",
                    List.of("worst values: " + worst), "nothing to change", "—"));
        }
    }

    static void host(Host h, List<Recommendation> out) {
        double perCore = h.loadAverage() / Math.max(1, h.cores());
        List<String> evidence = List.of(String.format(Locale.ROOT, "this machine: %d cores, CPU %.0f %% busy, load "
                + "average %.2f (%.1f per core), memory %.0f %% used", h.cores(), h.cpuUsage() * 100, h.loadAverage(),
                perCore, h.memoryUsedFraction() * 100));
        if (h.cpuUsage() > 0.85 || perCore > 1.5) {
            out.add(new Recommendation("host", 1, "The host is CPU-saturated", evidence,
                    "move load generators and batch work off this machine or add cores; until then compare runs only "
                            + "as ratios to a reference measured in the same run (as `loadtest compare` does)",
                    "latency that reflects the code rather than waiting for a core (run queue " + String.format(Locale.ROOT,
                    "%.1f", perCore) + " per core)"));
        } else if (h.memoryUsedFraction() > 0.9) {
            out.add(new Recommendation("host", 1, "The host is short of memory", evidence,
                    "lower heap sizes (-Xmx) of the JVMs here or add memory", "no swapping or OOM kills"));
        } else {
            out.add(new Recommendation("host", 3, "The host has headroom", evidence, "nothing to change", "—"));
        }
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v * 100);
    }

    static String ms(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%.1f s", v / 1000) : String.format(Locale.ROOT, "%.1f ms", v);
    }
}

package io.hubwatch.proxy.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubwatch.proxy.cache.L1Cache;
import io.hubwatch.proxy.stats.Advisor;
import io.hubwatch.proxy.stats.EndpointStats;
import io.hubwatch.proxy.stats.ProxyStats;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * The proxy's own endpoints under {@code /_proxy/}: {@code GET stats} (JSON), {@code GET metrics} (Prometheus),
 * {@code GET advice}, {@code GET profile} (where the time goes, per endpoint), {@code POST purge?key=|prefix=|tag=},
 * and {@code GET health}. All but health need {@code Authorization: Bearer <admin token>} when a token is set.
 *
 * <pre>{@code
 * curl -H "Authorization: Bearer $(cat .hubwatch/proxy-admin-token)" -XPOST 'http://127.0.0.1:8080/_proxy/purge?prefix=/api/v1/stats'
 * curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/_proxy/profile
 * }</pre>
 */
public final class AdminRoutes implements Handler<HttpServerRequest> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyCore core;
    private final byte[] expected;

    /** @param token the bearer token every route but health needs, or null for none (a separate admin listener) */
    public AdminRoutes(ProxyCore core, String token) {
        this.core = core;
        this.expected = token == null ? null : ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private boolean authorized(HttpServerRequest req) {
        if (expected == null) {
            return true;
        }
        String given = req.getHeader(HttpHeaders.AUTHORIZATION);
        return given != null && java.security.MessageDigest.isEqual(expected,
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void handle(HttpServerRequest req) {
        String path = io.hubwatch.proxy.cache.CacheKeys.normalizePath(req.path());
        if (!path.equals("/_proxy/health") && !authorized(req)) {
            req.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubwatch-proxy\"");
            json(req, 401, Map.of("error", "the proxy's admin routes need Authorization: Bearer <admin token>"
                    + " (admin_token in the config, or the file named by admin_token_file)"));
            return;
        }
        switch (path) {
            case "/_proxy/stats" -> json(req, 200, stats());
            case "/_proxy/metrics" -> req.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4")
                    .end(core.stats.registry().scrape());
            case "/_proxy/advice" -> json(req, 200, Advisor.advise(core.config.endpoints(), core.stats,
                    core.l1.entries(), core.clock.millis()));
            case "/_proxy/health" -> json(req, 200, Map.of("status", "up", "l2", core.l2Available()));
            case "/_proxy/profile" -> json(req, 200, io.hubwatch.proxy.profile.Profile.report(core.stats.endpoints(),
                    core.stats.passThroughProfile));
            case "/_proxy/purge" -> purge(req);
            default -> json(req, 404, Map.of("error", "no such proxy endpoint: " + path,
                    "known", new String[] {"/_proxy/stats", "/_proxy/metrics", "/_proxy/advice", "/_proxy/profile",
                        "/_proxy/purge", "/_proxy/health"}));
        }
    }

    private void purge(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST && req.method() != HttpMethod.DELETE) {
            json(req, 405, Map.of("error", "purge takes POST or DELETE"));
            return;
        }
        String key = req.getParam("key");
        String prefix = req.getParam("prefix");
        String tag = req.getParam("tag");
        CompletionStage<ProxyCore.PurgeResult> op;
        String what;
        if (key != null && !key.isBlank()) {
            op = core.purgeKey(key);
            what = "key";
        } else if (prefix != null && prefix.startsWith("/")) {
            op = core.purgePrefix(prefix);
            what = "prefix";
        } else if (tag != null && !tag.isBlank()) {
            op = core.purgeTag(tag);
            what = "tag";
        } else {
            json(req, 400, Map.of("error", "purge needs one of key=<cache key>, prefix=</path prefix> or tag=<tag>",
                    "got", req.query() == null ? "" : req.query()));
            return;
        }
        var ctx = io.vertx.core.Vertx.currentContext();
        op.whenComplete((r, e) -> ctx.runOnContext(v -> {
            if (e != null) {
                json(req, 500, Map.of("error", "purge failed: " + e.getMessage()));
            } else {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("purged", what);
                out.put("l1_entries", r.l1());
                out.put("l2_entries", r.l2());
                out.put("l2_reached", r.l2() >= 0);
                json(req, 200, out);
            }
        }));
    }

    /** The statistics as a JSON-ready map. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> eps = new TreeMap<>();
        long hits = 0;
        long lookups = 0;
        for (EndpointStats s : core.stats.endpoints()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("hits_l1", s.l1Hits.sum());
            e.put("hits_l2", s.l2Hits.sum());
            e.put("stale_served", s.stale.sum());
            e.put("misses", s.misses.sum());
            e.put("hit_rate", Math.round(s.hitRate() * 10000) / 10000.0);
            e.put("coalesced", s.coalesced.sum());
            e.put("bypass", s.bypass.sum());
            e.put("not_stored", s.notStored.sum());
            e.put("not_modified", s.notModified.sum());
            e.put("upstream_errors", s.upstreamErrors.sum());
            e.put("refreshes", s.refreshes.sum());
            e.put("rejected_503", s.rejected.sum());
            L1Cache.Usage u = core.l1.usageOf(s.endpoint);
            e.put("keys", u.keys.get());
            e.put("bytes", u.bytes.get());
            e.put("latency_hit", ProxyStats.summary(s.hitLatency()));
            e.put("latency_miss", ProxyStats.summary(s.missLatency()));
            eps.put(s.endpoint, e);
            hits += s.hits();
            lookups += s.lookups();
        }
        out.put("endpoints", eps);
        out.put("hit_rate", lookups == 0 ? 0 : Math.round(10000.0 * hits / lookups) / 10000.0);
        out.put("coalesced_total", core.coalescer.coalescedCount());
        out.put("pass_through", core.stats.passThrough.sum());
        out.put("rejected_503", core.stats.rejected.sum());
        out.put("l1", Map.of("keys", core.l1.estimatedSize(), "evictions", core.l1.evictions(),
                "max_bytes", core.config.l1MaxBytes()));
        Map<String, Object> l2 = new LinkedHashMap<>();
        l2.put("configured", core.l2 != null);
        l2.put("available", core.l2Available());
        if (core.l2 != null) {
            l2.put("redis_used_memory_bytes", core.l2.usedMemory());
            l2.put("errors", core.l2.errorCount());
            l2.put("dropped_writes", core.l2.droppedWriteCount());
            l2.put("pending_writes", core.pendingL2Writes());
        }
        out.put("l2", l2);
        out.put("upstream", Map.of("in_flight", core.gate.inFlight(), "queued", core.gate.queued()));
        out.put("vary_index_keys", core.varyKeys());
        return out;
    }

    private static void json(HttpServerRequest req, int status, Object body) {
        try {
            req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            req.response().setStatusCode(500).end("could not render JSON: " + e.getMessage());
        }
    }
}

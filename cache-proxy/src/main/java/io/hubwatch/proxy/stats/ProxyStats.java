package io.hubwatch.proxy.stats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.hubwatch.proxy.profile.Phase;
import java.time.Duration;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * The proxy's statistics: per-endpoint counters and latency, plus process-wide ones; registered in a Prometheus
 * registry (scraped at {@code /_proxy/metrics}) and read as a snapshot for {@code /_proxy/stats}.
 *
 * <pre>{@code
 * ProxyStats stats = new ProxyStats();
 * EndpointStats models = stats.endpoint("/api/v1/models");
 * String text = stats.registry().scrape();
 * }</pre>
 */
public final class ProxyStats {

    /** Name of the pseudo-endpoint for everything that is not cached. */
    public static final String PASS_THROUGH = "(pass-through)";

    private final PrometheusMeterRegistry registry = io.hubwatch.telemetry.ProcessMetrics.registry();
    private final Map<String, EndpointStats> endpoints = new ConcurrentHashMap<>();
    public final LongAdder passThrough = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    /** the phases and latency of requests to paths that are not cached endpoints */
    public final EndpointStats passThroughProfile;

    public ProxyStats() {
        FunctionCounter.builder("hubwatch_proxy_passthrough_requests", passThrough, LongAdder::doubleValue)
                .register(registry);
        FunctionCounter.builder("hubwatch_proxy_rejected_requests", rejected, LongAdder::doubleValue)
                .description("requests answered 503 because the upstream queue was full").register(registry);
        passThroughProfile = new EndpointStats(PASS_THROUGH);
        registerPhases(passThroughProfile, Tags.of("endpoint", PASS_THROUGH));
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The statistics of a configured endpoint. Only configured endpoint paths are passed here (the map is bounded by
     * the configuration, whatever the traffic).
     */
    public EndpointStats endpoint(String path) {
        EndpointStats s = endpoints.get(path);
        return s != null ? s : endpoints.computeIfAbsent(path, this::register);
    }

    public Collection<EndpointStats> endpoints() {
        return endpoints.values();
    }

    /** Registers a gauge read on scrape, e.g. key counts, bytes, Redis memory. */
    public void gauge(String name, Tags tags, LongSupplier value) {
        Gauge.builder(name, value, v -> (double) v.getAsLong()).tags(tags).register(registry);
    }

    private EndpointStats register(String path) {
        EndpointStats s = new EndpointStats(path);
        Tags ep = Tags.of("endpoint", path);
        counter("hubwatch_proxy_hits", ep.and("level", "l1"), s.l1Hits);
        counter("hubwatch_proxy_hits", ep.and("level", "l2"), s.l2Hits);
        counter("hubwatch_proxy_stale_served", ep, s.stale);
        counter("hubwatch_proxy_misses", ep, s.misses);
        counter("hubwatch_proxy_coalesced", ep, s.coalesced);
        counter("hubwatch_proxy_bypass", ep, s.bypass);
        counter("hubwatch_proxy_not_stored", ep, s.notStored);
        counter("hubwatch_proxy_not_modified", ep, s.notModified);
        counter("hubwatch_proxy_upstream_errors", ep, s.upstreamErrors);
        counter("hubwatch_proxy_refreshes", ep, s.refreshes);
        counter("hubwatch_proxy_endpoint_rejected_requests", ep, s.rejected);
        registerPhases(s, ep);
        Gauge.builder("hubwatch_proxy_hit_rate", s, EndpointStats::hitRate).tags(ep).register(registry);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            quantile(ep.and("outcome", "hit"), q, st -> st.hitLatency().getValueAtPercentile(q * 100), s);
            quantile(ep.and("outcome", "miss"), q, st -> st.missLatency().getValueAtPercentile(q * 100), s);
        }
        return s;
    }

    // bucket bounds from 50 us (an L1 lookup is a few) to 10 s (the upstream timeout's order)
    private static final Duration[] BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private void registerPhases(EndpointStats s, Tags ep) {
        for (Phase p : Phase.values()) {
            s.phaseTimer(p, Timer.builder("hubwatch_proxy_phase")
                    .description("Time requests spend in one phase of the proxy (see GET /_proxy/profile)")
                    .tags(ep.and("phase", p.label))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
        }
    }

    private void counter(String name, Tags tags, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).tags(tags).register(registry);
    }

    private void quantile(Tags tags, double q, ToDoubleFunction<EndpointStats> micros, EndpointStats s) {
        Gauge.builder("hubwatch_proxy_latency_seconds", s, st -> micros.applyAsDouble(st) / 1e6)
                .tags(tags.and("quantile", Double.toString(q))).register(registry);
    }

    /** Latency summary in milliseconds for JSON. */
    public static Map<String, Object> summary(Histogram h) {
        return Map.of("count", h.getTotalCount(),
                "p50_ms", h.getValueAtPercentile(50) / 1000.0,
                "p95_ms", h.getValueAtPercentile(95) / 1000.0,
                "p99_ms", h.getValueAtPercentile(99) / 1000.0,
                "max_ms", h.getMaxValue() / 1000.0);
    }
}

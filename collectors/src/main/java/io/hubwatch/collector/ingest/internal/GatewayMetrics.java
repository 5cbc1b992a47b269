package io.hubwatch.collector.ingest.internal;

import io.hubwatch.collector.ingest.IngestStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToDoubleFunction;

/**
 * The gateway's counters on {@code /metrics}, read from the same {@link IngestStats} as {@code /health}, so the two
 * cannot disagree: {@code hubwatch_ingest_requests_total}, {@code hubwatch_ingest_events_total{outcome=...}} and
 * {@code hubwatch_ingest_refused_requests_total{reason=...}}.
 */
final class GatewayMetrics {
    private GatewayMetrics() {}

    static void bind(MeterRegistry registry, GatewayHandler stats) {
        counter(registry, "hubwatch.ingest.requests", "HTTP requests to the ingest endpoints", null, null, stats, IngestStats::requests);
        String events = "hubwatch.ingest.events";
        counter(registry, events, "Events by outcome: accepted (validated, handed to Kafka), published (acknowledged by "
                + "Kafka), invalid (refused to dead-letter), failed (not taken by Kafka)", "outcome", "accepted", stats, IngestStats::accepted);
        counter(registry, events, null, "outcome", "published", stats, IngestStats::published);
        counter(registry, events, null, "outcome", "invalid", stats, IngestStats::invalid);
        counter(registry, events, null, "outcome", "failed", stats, IngestStats::failed);
        String refused = "hubwatch.ingest.refused.requests";
        counter(registry, refused, "Requests refused before their events were read, by reason", "reason", "unauthorized",
                stats, IngestStats::unauthorized);
        counter(registry, refused, null, "reason", "rate_limited", stats, IngestStats::rateLimited);
        counter(registry, refused, null, "reason", "too_large", stats, IngestStats::tooLarge);
        counter(registry, refused, null, "reason", "forbidden", stats, IngestStats::forbidden);
    }

    private static void counter(MeterRegistry registry, String name, String help, String tag, String value,
                                GatewayHandler stats, ToDoubleFunction<IngestStats> read) {
        // the handler as the state object: Micrometer holds it weakly, and the handler lives as long as the gateway (a
        // method reference held only by the meter was collected, and the counter read 0)
        FunctionCounter.Builder<GatewayHandler> b = FunctionCounter.builder(name, stats, h -> read.applyAsDouble(h.stats()));
        if (help != null) {
            b.description(help);
        }
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }
}

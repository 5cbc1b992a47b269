package io.hubwatch.notify.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The notifier's delivery metrics, per receiver and integration: {@code hubwatch_notifier_sent_total},
 * {@code _failed_total} (failed attempts), {@code _retried_total}, {@code _rate_limited_total},
 * {@code _dead_lettered_total}, and {@code hubwatch_notifier_delivery_latency_seconds} (first attempt to delivery).
 */
public final class DeliveryMetrics {
    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void sent(String receiver, String integration) {
        counter("hubwatch.notifier.sent", receiver, integration).increment();
    }

    public void failed(String receiver, String integration) {
        counter("hubwatch.notifier.failed", receiver, integration).increment();
    }

    public void retried(String receiver, String integration) {
        counter("hubwatch.notifier.retried", receiver, integration).increment();
    }

    public void rateLimited(String receiver, String integration) {
        counter("hubwatch.notifier.rate.limited", receiver, integration).increment();
    }

    public void deadLettered(String receiver, String integration) {
        counter("hubwatch.notifier.dead.lettered", receiver, integration).increment();
    }

    private static final Duration[] LATENCY_BUCKETS = java.util.stream.Stream.of(5, 10, 25, 50, 100, 250, 500, 1000,
            2500, 5000, 10000, 30000).map(Duration::ofMillis).toArray(Duration[]::new);

    public void latency(String receiver, String integration, Duration d) {
        // histogram buckets, so that dashboards can take quantiles across notifier instances (histogram_quantile)
        Timer.builder("hubwatch.notifier.delivery.latency").description("from the first attempt to delivery")
                .tag("receiver", receiver).tag("integration", integration)
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry).record(d);
    }

    public void counted(String name) {
        registry.counter(name).increment();
    }

    private Counter counter(String name, String receiver, String integration) {
        return Counter.builder(name).tag("receiver", receiver).tag("integration", integration).register(registry);
    }
}

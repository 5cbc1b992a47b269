package io.hubwatch.telemetry;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus registry of a Hubwatch process, with the JVM and process metrics every process exposes on
 * {@code /metrics} beside its own: heap and non-heap memory, GC pauses, threads, classes, CPU, open files, uptime.
 * Names follow Prometheus' conventions (Micrometer renders base units and {@code _total} counters):
 * {@code jvm_memory_used_bytes}, {@code jvm_gc_pause_seconds}, {@code process_cpu_usage}, {@code process_uptime_seconds}.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = ProcessMetrics.registry();
 * Counter accepted = Counter.builder("hubwatch.ingest.events.accepted").description("Events taken").register(registry);
 * // GET /metrics:
 * response.putHeader("Content-Type", ProcessMetrics.CONTENT_TYPE).end(registry.scrape());
 * }</pre>
 */
public final class ProcessMetrics {
    /** The Prometheus text exposition format's content type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private ProcessMetrics() {}

    /** A new registry with the JVM and process binders registered. */
    public static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindJvm(registry);
        return registry;
    }

    /** Registers the JVM and process binders on an existing registry (for processes that already have one). */
    public static void bindJvm(io.micrometer.core.instrument.MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        // JvmGcMetrics listens to GC notifications for the life of the process; closing the registry ends it
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }
}

package io.hubwatch.collector.host.internal;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;

/**
 * The agent's {@code /metrics} in Prometheus text format, written by hand: its own counters (read straight from the
 * objects {@code AgentStats} reports, so {@code /metrics} and {@code /health} never disagree) and the JVM and process
 * metrics every Hubwatch process exposes, under the names Micrometer gives them elsewhere
 * ({@code jvm_memory_used_bytes{area,id}}, {@code jvm_gc_pause_seconds_count/_sum}, {@code jvm_threads_live_threads},
 * {@code jvm_classes_loaded_classes}, {@code process_cpu_usage}, {@code process_uptime_seconds},
 * {@code process_files_open_files}), so the dashboards read the agent as they read the others.
 *
 * <p>Why not Micrometer here: its registry, the Prometheus client and the JMX classes its JVM binders load were about
 * 400 of the agent's classes, some 3 MB of its resident memory (benchmarks/results/host-agent-vs-node-exporter.md).
 *
 * <pre>{@code
 * AgentMetrics metrics = new AgentMetrics(loop, publisher, timer);
 * String text = metrics.scrape();
 * }</pre>
 */
public final class AgentMetrics {
    private final SamplingLoop loop;
    private final KafkaPublisher publisher;
    private final SampleTimer timer;

    public AgentMetrics(SamplingLoop loop, KafkaPublisher publisher, SampleTimer timer) {
        this.loop = loop;
        this.publisher = publisher;
        this.timer = timer;
    }

    /** Everything, in the text exposition format 0.0.4. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        counter(out, "hubwatch_agent_samples_total", "Readings of the host completed", loop.samples());
        counter(out, "hubwatch_agent_samples_failed_total", "Readings of the host that failed", loop.failedSamples());
        counter(out, "hubwatch_agent_events_sampled_total", "Metric events produced by readings", loop.sampled());
        counter(out, "hubwatch_agent_events_published_total", "Metric events acknowledged by Kafka", publisher.published());
        header(out, "hubwatch_agent_events_dropped_total", "Metric events lost, by reason", "counter");
        sample(out, "hubwatch_agent_events_dropped_total{reason=\"buffer_full\"}", publisher.droppedBufferFull());
        sample(out, "hubwatch_agent_events_dropped_total{reason=\"delivery_failed\"}", publisher.droppedDeliveryFailed());
        sample(out, "hubwatch_agent_events_dropped_total{reason=\"shutdown\"}", publisher.droppedAtShutdown());
        gauge(out, "hubwatch_agent_buffer_events", "Metric events waiting in the agent's buffer", publisher.buffered());
        gauge(out, "hubwatch_agent_buffer_capacity_events", "Capacity of the agent's buffer", publisher.capacity());
        gauge(out, "hubwatch_agent_in_flight_events", "Metric events sent to Kafka and not yet acknowledged",
                publisher.inFlight());
        gauge(out, "hubwatch_agent_kafka_reachable", "1 if Kafka is reachable, else 0", publisher.kafkaReachable() ? 1 : 0);
        header(out, "hubwatch_agent_sample_duration_seconds", "Time to read the host once", "summary");
        sample(out, "hubwatch_agent_sample_duration_seconds_count", timer.count());
        sample(out, "hubwatch_agent_sample_duration_seconds_sum", timer.totalSeconds());
        gauge(out, "hubwatch_agent_sample_duration_seconds_max", "The longest reading since the previous scrape",
                timer.takeMaxSeconds());
        jvm(out);
        return out.toString();
    }

    private static void jvm(StringBuilder out) {
        for (String what : new String[] {"used", "committed", "max"}) {
            header(out, "jvm_memory_" + what + "_bytes", "The " + what + " memory of a JVM memory pool", "gauge");
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                java.lang.management.MemoryUsage usage = pool.getUsage();
                if (usage == null) {
                    continue;
                }
                long value = what.equals("used") ? usage.getUsed() : what.equals("committed") ? usage.getCommitted()
                        : usage.getMax();
                sample(out, "jvm_memory_" + what + "_bytes{area=\"" + (pool.getType() == MemoryType.HEAP ? "heap" : "nonheap")
                        + "\",id=\"" + label(pool.getName()) + "\"}", value);
            }
        }
        header(out, "jvm_gc_pause_seconds", "Time spent in garbage collection, by collector", "summary");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sample(out, "jvm_gc_pause_seconds_count{gc=\"" + label(gc.getName()) + "\"}", Math.max(0, gc.getCollectionCount()));
            sample(out, "jvm_gc_pause_seconds_sum{gc=\"" + label(gc.getName()) + "\"}", Math.max(0, gc.getCollectionTime()) / 1e3);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge(out, "jvm_threads_live_threads", "Live threads", threads.getThreadCount());
        gauge(out, "jvm_threads_daemon_threads", "Live daemon threads", threads.getDaemonThreadCount());
        gauge(out, "jvm_threads_peak_threads", "Peak live threads since the JVM started", threads.getPeakThreadCount());
        gauge(out, "jvm_classes_loaded_classes", "Classes currently loaded",
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        gauge(out, "system_cpu_count", "Processors available to the JVM", os.getAvailableProcessors());
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            gauge(out, "process_cpu_usage", "Recent CPU usage of this process (0..1)", Math.max(0, sun.getProcessCpuLoad()));
            counter(out, "process_cpu_time_seconds_total", "CPU time used by this process",
                    Math.max(0, sun.getProcessCpuTime()) / 1e9);
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            gauge(out, "process_files_open_files", "Open file descriptors", unix.getOpenFileDescriptorCount());
            gauge(out, "process_files_max_files", "Maximum file descriptors", unix.getMaxFileDescriptorCount());
        }
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        gauge(out, "process_uptime_seconds", "Time since the JVM started", runtime.getUptime() / 1e3);
        gauge(out, "process_start_time_seconds", "When the JVM started, seconds since the epoch", runtime.getStartTime() / 1e3);
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        header(out, name, help, "counter");
        sample(out, name, value);
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        header(out, name, help, "gauge");
        sample(out, name, value);
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String series, double value) {
        out.append(series).append(' ').append(value).append('\n');
    }

    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

package io.hubwatch.collector.host.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The agent's own metrics, read straight from the counters that {@code AgentStats} reports, so {@code /metrics} and
 * {@code /health} can never disagree. In Prometheus form:
 * <pre>
 * hubwatch_agent_samples_total, hubwatch_agent_samples_failed_total, hubwatch_agent_events_sampled_total,
 * hubwatch_agent_events_published_total, hubwatch_agent_events_dropped_total{reason="buffer_full|delivery_failed|shutdown"},
 * hubwatch_agent_buffer_events, hubwatch_agent_buffer_capacity_events, hubwatch_agent_in_flight_events,
 * hubwatch_agent_kafka_reachable, hubwatch_agent_sample_duration_seconds_{count,sum,max}
 * </pre>
 *
 * <pre>{@code
 * Timer timer = AgentMeters.sampleDuration(registry);
 * AgentMeters.register(registry, loop, publisher);
 * }</pre>
 */
public final class AgentMeters {
    private AgentMeters() {}

    /** How long one reading of the host takes. */
    public static Timer sampleDuration(MeterRegistry registry) {
        return Timer.builder("hubwatch.agent.sample.duration")
                .description("Time to read the host once through OSHI")
                .register(registry);
    }

    public static void register(MeterRegistry registry, SamplingLoop loop, KafkaPublisher publisher) {
        FunctionCounter.builder("hubwatch.agent.samples", loop, SamplingLoop::samples)
                .description("Readings of the host completed").register(registry);
        FunctionCounter.builder("hubwatch.agent.samples.failed", loop, SamplingLoop::failedSamples)
                .description("Readings of the host that failed").register(registry);
        FunctionCounter.builder("hubwatch.agent.events.sampled", loop, SamplingLoop::sampled)
                .description("Metric events produced by readings").register(registry);
        FunctionCounter.builder("hubwatch.agent.events.published", publisher, KafkaPublisher::published)
                .description("Metric events acknowledged by Kafka").register(registry);
        FunctionCounter.builder("hubwatch.agent.events.dropped", publisher, KafkaPublisher::droppedBufferFull)
                .tag("reason", "buffer_full")
                .description("Metric events lost, by reason").register(registry);
        FunctionCounter.builder("hubwatch.agent.events.dropped", publisher, KafkaPublisher::droppedDeliveryFailed)
                .tag("reason", "delivery_failed")
                .description("Metric events lost, by reason").register(registry);
        FunctionCounter.builder("hubwatch.agent.events.dropped", publisher, KafkaPublisher::droppedAtShutdown)
                .tag("reason", "shutdown")
                .description("Metric events lost, by reason").register(registry);
        Gauge.builder("hubwatch.agent.buffer", publisher, KafkaPublisher::buffered)
                .baseUnit("events").description("Metric events waiting in the agent's buffer").register(registry);
        Gauge.builder("hubwatch.agent.buffer.capacity", publisher, KafkaPublisher::capacity)
                .baseUnit("events").description("Capacity of the agent's buffer").register(registry);
        Gauge.builder("hubwatch.agent.in.flight", publisher, KafkaPublisher::inFlight)
                .baseUnit("events").description("Metric events sent to Kafka and not yet acknowledged")
                .register(registry);
        Gauge.builder("hubwatch.agent.kafka.reachable", publisher, p -> p.kafkaReachable() ? 1 : 0)
                .description("1 if Kafka is reachable, else 0").register(registry);
    }
}

package io.hubwatch.collector.host;

import io.hubwatch.collector.host.internal.AgentHttpServer;
import io.hubwatch.collector.host.internal.AgentMetrics;
import io.hubwatch.collector.host.internal.HostSampler;
import io.hubwatch.collector.host.internal.JsonText;
import io.hubwatch.collector.host.internal.KafkaPublisher;
import io.hubwatch.collector.host.internal.ProblemLog;
import io.hubwatch.collector.host.internal.SampleTimer;
import io.hubwatch.collector.host.internal.SamplingLoop;
import io.hubwatch.events.Durations;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The host agent: reads this machine every interval (from {@code /proc} and {@code /sys}; through OSHI where there is
 * no {@code /proc}): CPU, memory, disk per mount, network rx/tx rates per interface, load average, process count; and
 * publishes {@link io.hubwatch.events.MetricEvent}s to Kafka, keyed
 * by series. Sampling never waits for Kafka: while Kafka is away events wait in a bounded buffer, the oldest are
 * dropped when it is full, and every loss is counted in {@link #stats()} and on {@code /metrics}. It serves
 * {@code GET /health} and {@code GET /metrics} (Prometheus) on {@link #httpAddress()}.
 *
 * <pre>{@code
 * try (HostAgent agent = HostAgent.start(HostAgentConfig.of("localhost:9092").withInterval(Duration.ofSeconds(5)))) {
 *     System.out.println("health at " + agent.httpAddress().resolve("/health"));
 *     ...
 * }
 * }</pre>
 */
public final class HostAgent implements AutoCloseable {
    /**
     * The longest {@link #close()} takes: up to 1 s for a reading in progress, about 3 s to deliver what is buffered
     * (a send already waiting on Kafka may add 1 s), 1 s to stop serving.
     */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(6);

    private final HostAgentConfig config;
    private final ProblemLog problems;
    private final KafkaPublisher publisher;
    private final SamplingLoop loop;
    private final AgentHttpServer http;
    private final URI httpAddress;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HostAgent(HostAgentConfig config, ProblemLog problems, KafkaPublisher publisher, SamplingLoop loop,
                      AgentHttpServer http) {
        this.config = config;
        this.problems = problems;
        this.publisher = publisher;
        this.loop = loop;
        this.http = http;
        this.httpAddress = URI.create("http://" + hostForUri(config.httpHost()) + ":" + http.port());
    }

    /**
     * Starts sampling, publishing and serving. Returns at once; the first sample is taken one interval later. Kafka
     * need not be reachable: the agent buffers until it is.
     *
     * @throws IllegalStateException with the reason if the host cannot be read or the HTTP address cannot be bound
     */
    public static HostAgent start(HostAgentConfig config) {
        ProblemLog problems = new ProblemLog();
        HostSampler sampler;
        try {
            sampler = new HostSampler(config.source());
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("cannot read this machine's metrics: " + e, e);
        }
        KafkaPublisher publisher = new KafkaPublisher(config.bootstrapServers(), config.topic(), config.source(),
                config.bufferCapacity(), problems);
        SampleTimer timer = new SampleTimer();
        SamplingLoop loop = new SamplingLoop(sampler, config.interval(), publisher::offer, problems, timer);
        AgentMetrics metrics = new AgentMetrics(loop, publisher, timer);
        AgentHttpServer http;
        HostAgent[] self = new HostAgent[1];
        try {
            http = AgentHttpServer.start(config.httpHost(), config.httpPort(),
                    () -> self[0] == null ? "{\"status\":\"STARTING\"}" : self[0].healthJson(), metrics::scrape);
        } catch (RuntimeException e) {
            loop.stop(Duration.ZERO);
            publisher.close(Duration.ZERO);
            throw e;
        }
        HostAgent agent = new HostAgent(config, problems, publisher, loop, http);
        self[0] = agent;
        loop.start();
        return agent;
    }

    /** Where {@code /health} and {@code /metrics} are served, e.g. {@code http://127.0.0.1:41234}. */
    public URI httpAddress() {
        return httpAddress;
    }

    public HostAgentConfig config() {
        return config;
    }

    public AgentStats stats() {
        // outcomes first, then what is still pending: an event moving meanwhile is then seen at most once too few
        long published = publisher.published();
        long dropped = publisher.dropped();
        long inFlight = publisher.inFlight();
        long buffered = publisher.buffered();
        return new AgentStats(loop.samples(), loop.failedSamples(), loop.sampled(), published, dropped, buffered,
                inFlight, !closed.get() && publisher.kafkaReachable(), problems.last());
    }

    private String healthJson() {
        AgentStats stats = stats();
        Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put("reachable", stats.kafkaReachable());
        kafka.put("bootstrapServers", config.bootstrapServers());
        kafka.put("topic", config.topic());
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("sampled", stats.sampled());
        events.put("published", stats.published());
        events.put("dropped", stats.dropped());
        events.put("buffered", stats.buffered());
        events.put("inFlight", stats.inFlight());
        events.put("bufferCapacity", config.bufferCapacity());
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", stats.kafkaReachable() && loop.lastSampleSucceeded() ? "UP" : "DEGRADED");
        health.put("source", config.source());
        health.put("interval", Durations.format(config.interval()));
        health.put("kafka", kafka);
        health.put("samples", stats.samples());
        health.put("failedSamples", stats.failedSamples());
        health.put("events", events);
        health.put("lastError", stats.lastError());
        return JsonText.object(health);
    }

    /**
     * Stops sampling, tries to deliver what is buffered, and stops serving, all within about {@link #CLOSE_TIMEOUT}
     * even if Kafka is down. What could not be delivered is counted as dropped. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.stop(Duration.ofSeconds(1));
        publisher.close(Duration.ofSeconds(3));
        http.close(Duration.ofSeconds(1));
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}

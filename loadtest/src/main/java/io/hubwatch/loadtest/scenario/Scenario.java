package io.hubwatch.loadtest.scenario;

import io.hubwatch.collector.load.LatencyDistribution;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A load-test scenario as read by {@link ScenarioLoader}: what to start, what to call in which mix, the phases and the
 * service-level objectives the run is judged by.
 *
 * <pre>{@code
 * Scenario s = ScenarioLoader.load(Path.of("benchmarks/scenarios/ci-quick.yaml"), Map.of());
 * s.phases().forEach(p -> System.out.println(p.name() + " " + p.kind()));
 * }</pre>
 *
 * @param services  what the run starts and stops, by name (in dependency order)
 * @param targets   where requests go, by name; a {@code reference} target is measured to normalize the others
 * @param requests  the weighted request mix
 * @param users     the pool of user ids that {@code ${user}} draws from
 * @param processes processes whose memory a soak follows, by name
 */
public record Scenario(String name, String description, Map<String, Service> services, Map<String, Target> targets,
                       List<Request> requests, Users users, List<Phase> phases, List<Slo> slos,
                       Map<String, ProcessRef> processes, Settings settings) {

    /** Something the run starts before the first phase and stops after the last. */
    public sealed interface Service permits ReferenceUpstream, CacheProxy, IngestGateway, Command {
        String name();
    }

    /**
     * An HTTP server answering every request with a JSON body after a delay drawn from {@code latency}.
     *
     * @param errorRate share of requests answered 500 (0..1)
     */
    public record ReferenceUpstream(String name, LatencyDistribution latency, int bodyBytes, String cacheControl,
                                    double errorRate) implements Service {
    }

    /** The cache proxy in front of another service; {@code config} is the proxy's own YAML mapping. */
    public record CacheProxy(String name, String upstream, Map<String, Object> config) implements Service {
    }

    /** The ingest gateway on an in-JVM Kafka broker (kafka {@code embedded}) or on a given bootstrap address. */
    public record IngestGateway(String name, String kafka, double eventsPerSecond) implements Service {
    }

    /** An outside process, started with {@code command} and ready once {@code ready} answers 2xx. */
    public record Command(String name, List<String> command, String url, String ready, Duration startTimeout)
            implements Service {
    }

    /**
     * @param service   the started service it points at, or null when {@code url} is given
     * @param url       base URL, or null when {@code service} is given
     * @param reference measured like the others but not judged: the gate divides by its figures
     * @param stats     path (on the target) or URL of the proxy's stats for the hit rate, or null
     * @param statsToken bearer token for the stats, or null (a started proxy's own token is used)
     */
    public record Target(String name, String service, String url, boolean reference, String stats, String statsToken) {
    }

    /** One kind of request of the mix; texts may hold {@code ${user}}, {@code ${seq}}, {@code ${rand:N}}, {@code ${zipf:N}}. */
    public record Request(String name, String target, String method, String path, Map<String, String> headers,
                          String body, double weight) {
    }

    public record Users(int count, String prefix) {
    }

    public enum Kind { CONSTANT, RAMP, SOAK }

    /**
     * A phase. Constant and soak use {@code rate} for {@code duration}; a ramp steps from {@code rate} by
     * {@code step} every {@code stepDuration} up to {@code maxRate}, until an objective breaks or errors pass
     * {@code errorLimit}.
     *
     * @param judged      whether the scenario's objectives judge this phase (false for a warm-up)
     * @param sampleEvery soak: how often process memory is sampled
     * @param minKnee     ramp: the knee must be at least this rate for the run to pass (0: not judged)
     */
    public record Phase(String name, Kind kind, double rate, Duration duration, boolean judged, double step,
                        double maxRate, Duration stepDuration, double errorLimit, Duration sampleEvery,
                        double minKnee) {
    }

    /**
     * An objective such as {@code p95 < 200ms}: {@code metric op threshold}; thresholds are in the metric's unit
     * (milliseconds for latencies, a fraction for rates, MB or ms per hour for slopes).
     *
     * @param target the one target it applies to, or null for every judged target
     */
    public record Slo(String text, String metric, String op, double threshold, String target) {

        public boolean holds(double value) {
            return switch (op) {
                case "<" -> value < threshold;
                case "<=" -> value <= threshold;
                case ">" -> value > threshold;
                default -> value >= threshold;
            };
        }
    }

    /** A process to follow: {@code self}, a pid, a pid file (a number or JSON with {@code pid}), or a started command. */
    public record ProcessRef(String name, String how, String value) {
    }

    /**
     * @param timeout     a request not answered by then is an error, counted with this latency
     * @param connections HTTP connections per target at most
     * @param seed        seed of the mix, key and user draws (a run is repeatable)
     */
    public record Settings(Duration timeout, int connections, long seed) {
    }
}

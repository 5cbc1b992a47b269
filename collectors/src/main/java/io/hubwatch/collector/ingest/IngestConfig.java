package io.hubwatch.collector.ingest;

import io.hubwatch.events.Topics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ingest gateway's settings, checked up front.
 *
 * <pre>{@code
 * IngestConfig config = IngestConfig.of("localhost:9092", Map.of("k-3f9a…", "checkout-service"))
 *         .withPort(8088).withCorsOrigins(List.of("https://shop.example.com"));
 * }</pre>
 *
 * @param bootstrapServers Kafka
 * @param host             address to bind, default {@code 127.0.0.1}
 * @param port             port, 0 for any free one
 * @param keys             ingest key to client name; every request must carry one of the keys
 * @param eventsPerSecond  per-key rate limit in events per second (token bucket refill)
 * @param burstEvents      per-key bucket size: how many events a key may send at once after a quiet spell
 * @param maxBodyBytes     larger bodies are answered 413
 * @param maxBatchEvents   batches with more events are answered 413
 * @param corsOrigins      origins allowed to post beacons from a browser ({@code *} for any)
 * @param apiCallsTopic    where API calls go
 * @param webVitalsTopic   where beacon events go
 * @param metricsTopic     where pushed custom metrics go
 * @param deadLetterTopic  where refused events go, with the reason
 */
public record IngestConfig(String bootstrapServers, String host, int port, Map<String, String> keys,
                           double eventsPerSecond, long burstEvents, int maxBodyBytes, int maxBatchEvents,
                           List<String> corsOrigins, String apiCallsTopic, String webVitalsTopic, String metricsTopic,
                           String deadLetterTopic) {

    public static final double DEFAULT_EVENTS_PER_SECOND = 50_000;
    public static final long DEFAULT_BURST_EVENTS = 100_000;
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_BATCH_EVENTS = 5_000;

    public IngestConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "Kafka bootstrap servers are missing");
        require(host != null && !host.isBlank(), "the HTTP host is missing");
        require(port >= 0 && port <= 65535, "port must be 0..65535, was " + port);
        require(keys != null && !keys.isEmpty(), "at least one ingest key is needed");
        keys.forEach((k, v) -> require(k != null && k.length() >= 16,
                "ingest key for client '" + v + "' must be at least 16 characters"));
        require(eventsPerSecond > 0, "the rate limit must be positive, was " + eventsPerSecond);
        require(burstEvents >= 1, "the burst must be at least 1 event, was " + burstEvents);
        require(maxBodyBytes >= 1024, "the body limit must be at least 1024 bytes, was " + maxBodyBytes);
        require(maxBatchEvents >= 1, "the batch limit must be at least 1 event, was " + maxBatchEvents);
        require(burstEvents >= maxBatchEvents, "the burst (" + burstEvents + " events) must be at least the batch limit ("
                + maxBatchEvents + "), or a full batch could never pass");
        keys = new TreeMap<>(keys);
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }

    /** Defaults: 127.0.0.1, any free port, 50,000 events/s per key (burst 100,000), 4 MiB bodies, 5,000 events. */
    public static IngestConfig of(String bootstrapServers, Map<String, String> keys) {
        return new IngestConfig(bootstrapServers, "127.0.0.1", 0, keys, DEFAULT_EVENTS_PER_SECOND,
                DEFAULT_BURST_EVENTS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BATCH_EVENTS, List.of("*"),
                Topics.API_CALLS, Topics.WEB_VITALS, Topics.METRICS, Topics.DEAD_LETTER);
    }

    public IngestConfig withAddress(String newHost, int newPort) {
        return new IngestConfig(bootstrapServers, newHost, newPort, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic);
    }

    public IngestConfig withRateLimit(double perSecond, long burst) {
        return new IngestConfig(bootstrapServers, host, port, keys, perSecond, burst, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic);
    }

    public IngestConfig withLimits(int bodyBytes, int batchEvents) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, bodyBytes,
                batchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic);
    }

    public IngestConfig withCorsOrigins(List<String> origins) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, origins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic);
    }

    public IngestConfig withTopics(String apiCalls, String webVitals, String metrics, String deadLetter) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCalls, webVitals, metrics, deadLetter);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

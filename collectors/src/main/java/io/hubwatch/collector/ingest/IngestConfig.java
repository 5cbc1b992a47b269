package io.hubwatch.collector.ingest;

import io.hubwatch.events.Topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ingest gateway's settings, checked up front.
 *
 * <pre>{@code
 * IngestConfig config = IngestConfig.of("localhost:9092", Map.of("k-3f9a…", "checkout-service"))
 *         .withBeaconKeys(Map.of("b-77c1…", "shop pages"))
 *         .withAddress("127.0.0.1", 8088).withCorsOrigins(List.of("https://shop.example.com"));
 * }</pre>
 *
 * @param bootstrapServers Kafka
 * @param host             address to bind, default {@code 127.0.0.1}
 * @param port             port, 0 for any free one
 * @param keys             server keys (ingest key to client name): they may post everything; keep them secret
 * @param eventsPerSecond  per-key rate limit in events per second (token bucket refill)
 * @param burstEvents      per-key bucket size: how many events a key may send at once after a quiet spell
 * @param maxBodyBytes     larger bodies are answered 413
 * @param maxBatchEvents   batches with more events are answered 413
 * @param corsOrigins      origins allowed to post beacons from a browser ({@code *} for any)
 * @param apiCallsTopic    where API calls go
 * @param webVitalsTopic   where beacon events go
 * @param metricsTopic     where pushed custom metrics go
 * @param deadLetterTopic  where refused events go, with the reason
 * @param beaconKeys       beacon keys (key to client name): they may post {@code /v1/beacons} only, because a page's
 *                         source shows them to everyone
 * @param maxFutureSkew    events stamped further ahead of the gateway's clock are refused (default 5 minutes): one
 *                         bad clock must not move event time forward for everybody else
 */
public record IngestConfig(String bootstrapServers, String host, int port, Map<String, String> keys,
                           double eventsPerSecond, long burstEvents, int maxBodyBytes, int maxBatchEvents,
                           List<String> corsOrigins, String apiCallsTopic, String webVitalsTopic, String metricsTopic,
                           String deadLetterTopic, Map<String, String> beaconKeys, Duration maxFutureSkew) {

    public static final double DEFAULT_EVENTS_PER_SECOND = 50_000;
    public static final long DEFAULT_BURST_EVENTS = 100_000;
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_BATCH_EVENTS = 5_000;
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    public IngestConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "Kafka bootstrap servers are missing");
        require(host != null && !host.isBlank(), "the HTTP host is missing");
        require(port >= 0 && port <= 65535, "port must be 0..65535, was " + port);
        beaconKeys = beaconKeys == null ? Map.of() : beaconKeys;
        require(keys != null && !(keys.isEmpty() && beaconKeys.isEmpty()), "at least one ingest key is needed");
        keys.forEach((k, v) -> require(k != null && k.length() >= 16,
                "ingest key for client '" + v + "' must be at least 16 characters"));
        beaconKeys.forEach((k, v) -> require(k != null && k.length() >= 16,
                "beacon key for client '" + v + "' must be at least 16 characters"));
        for (String k : beaconKeys.keySet()) {
            require(!keys.containsKey(k), "the key of client '" + beaconKeys.get(k) + "' is both a server and a beacon key");
        }
        require(maxFutureSkew != null && !maxFutureSkew.isNegative(),
                "the future skew must be a duration >= 0, was " + maxFutureSkew);
        require(eventsPerSecond > 0, "the rate limit must be positive, was " + eventsPerSecond);
        require(burstEvents >= 1, "the burst must be at least 1 event, was " + burstEvents);
        require(maxBodyBytes >= 1024, "the body limit must be at least 1024 bytes, was " + maxBodyBytes);
        require(maxBatchEvents >= 1, "the batch limit must be at least 1 event, was " + maxBatchEvents);
        require(burstEvents >= maxBatchEvents, "the burst (" + burstEvents + " events) must be at least the batch limit ("
                + maxBatchEvents + "), or a full batch could never pass");
        keys = new TreeMap<>(keys);
        beaconKeys = new TreeMap<>(beaconKeys);
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }

    /**
     * Defaults: 127.0.0.1, any free port, 50,000 events/s per key (burst 100,000), 4 MiB bodies, 5,000 events, events
     * up to 5 minutes ahead of the gateway's clock, no beacon keys ({@code keys} are server keys).
     */
    public static IngestConfig of(String bootstrapServers, Map<String, String> keys) {
        return new IngestConfig(bootstrapServers, "127.0.0.1", 0, keys, DEFAULT_EVENTS_PER_SECOND,
                DEFAULT_BURST_EVENTS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BATCH_EVENTS, List.of("*"),
                Topics.API_CALLS, Topics.WEB_VITALS, Topics.METRICS, Topics.DEAD_LETTER, Map.of(), DEFAULT_MAX_FUTURE_SKEW);
    }

    /** Adds beacon keys (key to client name), which may post {@code /v1/beacons} only. */
    public IngestConfig withBeaconKeys(Map<String, String> beacon) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, beacon,
                maxFutureSkew);
    }

    public IngestConfig withMaxFutureSkew(Duration skew) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, beaconKeys,
                skew);
    }

    public IngestConfig withAddress(String newHost, int newPort) {
        return new IngestConfig(bootstrapServers, newHost, newPort, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic,
                beaconKeys, maxFutureSkew);
    }

    public IngestConfig withRateLimit(double perSecond, long burst) {
        return new IngestConfig(bootstrapServers, host, port, keys, perSecond, burst, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic,
                beaconKeys, maxFutureSkew);
    }

    public IngestConfig withLimits(int bodyBytes, int batchEvents) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, bodyBytes,
                batchEvents, corsOrigins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic,
                beaconKeys, maxFutureSkew);
    }

    public IngestConfig withCorsOrigins(List<String> origins) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, origins, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic,
                beaconKeys, maxFutureSkew);
    }

    public IngestConfig withTopics(String apiCalls, String webVitals, String metrics, String deadLetter) {
        return new IngestConfig(bootstrapServers, host, port, keys, eventsPerSecond, burstEvents, maxBodyBytes,
                maxBatchEvents, corsOrigins, apiCalls, webVitals, metrics, deadLetter, beaconKeys, maxFutureSkew);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

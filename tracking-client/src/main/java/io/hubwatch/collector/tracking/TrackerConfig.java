package io.hubwatch.collector.tracking;

import java.net.URI;
import java.time.Duration;

/**
 * Settings of an {@link ApiCallTracker}, checked up front.
 *
 * <pre>{@code
 * TrackerConfig config = TrackerConfig.of(URI.create("http://ingest:8088"), System.getenv("HUBWATCH_INGEST_KEY"));
 * }</pre>
 *
 * @param gateway       the ingest gateway's base URL
 * @param ingestKey     this service's ingest key
 * @param queueCapacity events held while the gateway is slow or away; beyond it, new events are dropped and counted
 * @param batchSize     events per request
 * @param flushInterval longest time an event waits before it is sent
 */
public record TrackerConfig(URI gateway, String ingestKey, int queueCapacity, int batchSize, Duration flushInterval) {

    public TrackerConfig {
        require(gateway != null && gateway.getScheme() != null && gateway.getScheme().startsWith("http"),
                "the gateway must be an http(s) URL, was " + gateway);
        require(ingestKey != null && !ingestKey.isBlank(), "the ingest key is missing");
        require(queueCapacity >= 1, "queueCapacity must be at least 1, was " + queueCapacity);
        require(batchSize >= 1 && batchSize <= 5_000, "batchSize must be 1..5000 (the gateway's default batch limit), was " + batchSize);
        require(flushInterval != null && flushInterval.toMillis() >= 1, "flushInterval must be positive, was " + flushInterval);
    }

    /** Defaults: 10,000 queued events, batches of 500, flushed at least every second. */
    public static TrackerConfig of(URI gateway, String ingestKey) {
        return new TrackerConfig(gateway, ingestKey, 10_000, 500, Duration.ofSeconds(1));
    }

    public TrackerConfig withQueue(int capacity, int batch, Duration flushEvery) {
        return new TrackerConfig(gateway, ingestKey, capacity, batch, flushEvery);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

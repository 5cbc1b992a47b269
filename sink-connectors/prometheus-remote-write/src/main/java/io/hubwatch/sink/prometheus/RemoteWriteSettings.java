package io.hubwatch.sink.prometheus;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where and how {@link RemoteWriteSink} writes. Built with {@link #to(URI)} and withers; every value is checked when it
 * is set, with a message naming it.
 *
 * <pre>{@code
 * RemoteWriteSettings s = RemoteWriteSettings.to(URI.create("http://127.0.0.1:9090/api/v1/write"))
 *         .withMaxBatchSamples(2_000)
 *         .withFlushInterval(Duration.ofSeconds(1))
 *         .withHeader("Authorization", "Bearer " + System.getenv("PROM_TOKEN"));
 * }</pre>
 *
 * <p>Defaults follow Prometheus' own remote-write queue: batches of at most 2,000 samples, sent at least every second
 * (so a sample is visible within about a second), retries of 5xx and 429 answers with backoff from 100 ms doubling to
 * 5 s. Unlike Prometheus' queue, which retries recoverable errors forever, a batch is given up after
 * {@code maxRetryDuration} (default 2 minutes, below Flink's 10-minute checkpoint timeout), counted and logged: a
 * receiver that is down must not fail the job into a restart loop.
 */
public record RemoteWriteSettings(URI endpoint, int maxBatchSamples, Duration flushInterval, Duration requestTimeout,
                                  Duration retryInitialBackoff, Duration retryMaxBackoff, Duration maxRetryDuration,
                                  Map<String, String> headers) implements Serializable {

    public RemoteWriteSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("remote-write endpoint must be an http:// or https:// URL, was " + endpoint);
        }
        if (maxBatchSamples < 1) {
            throw new IllegalArgumentException("maxBatchSamples must be at least 1, was " + maxBatchSamples);
        }
        positive("flushInterval", flushInterval);
        positive("requestTimeout", requestTimeout);
        positive("retryInitialBackoff", retryInitialBackoff);
        positive("retryMaxBackoff", retryMaxBackoff);
        Objects.requireNonNull(maxRetryDuration, "maxRetryDuration");
        if (maxRetryDuration.isNegative()) {
            throw new IllegalArgumentException("maxRetryDuration must not be negative, was " + maxRetryDuration);
        }
        headers = headers == null ? Map.of() : Map.copyOf(new TreeMap<>(headers));
    }

    public static RemoteWriteSettings to(URI endpoint) {
        return new RemoteWriteSettings(endpoint, 2_000, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(2), Map.of());
    }

    public RemoteWriteSettings withMaxBatchSamples(int n) {
        return new RemoteWriteSettings(endpoint, n, flushInterval, requestTimeout, retryInitialBackoff, retryMaxBackoff,
                maxRetryDuration, headers);
    }

    public RemoteWriteSettings withFlushInterval(Duration d) {
        return new RemoteWriteSettings(endpoint, maxBatchSamples, d, requestTimeout, retryInitialBackoff,
                retryMaxBackoff, maxRetryDuration, headers);
    }

    public RemoteWriteSettings withRequestTimeout(Duration d) {
        return new RemoteWriteSettings(endpoint, maxBatchSamples, flushInterval, d, retryInitialBackoff,
                retryMaxBackoff, maxRetryDuration, headers);
    }

    public RemoteWriteSettings withRetryBackoff(Duration initial, Duration max) {
        return new RemoteWriteSettings(endpoint, maxBatchSamples, flushInterval, requestTimeout, initial, max,
                maxRetryDuration, headers);
    }

    public RemoteWriteSettings withMaxRetryDuration(Duration d) {
        return new RemoteWriteSettings(endpoint, maxBatchSamples, flushInterval, requestTimeout, retryInitialBackoff,
                retryMaxBackoff, d, headers);
    }

    /** An extra request header, e.g. {@code Authorization} for a receiver behind authentication. */
    public RemoteWriteSettings withHeader(String name, String value) {
        TreeMap<String, String> h = new TreeMap<>(headers);
        h.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
        return new RemoteWriteSettings(endpoint, maxBatchSamples, flushInterval, requestTimeout, retryInitialBackoff,
                retryMaxBackoff, maxRetryDuration, h);
    }

    /** Header values are secrets (tokens): only their names are shown. */
    @Override
    public String toString() {
        return "RemoteWriteSettings[endpoint=" + endpoint + ", maxBatchSamples=" + maxBatchSamples + ", flushInterval="
                + flushInterval + ", headers=" + headers.keySet() + "]";
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}

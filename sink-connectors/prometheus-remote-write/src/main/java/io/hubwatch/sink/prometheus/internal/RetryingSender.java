package io.hubwatch.sink.prometheus.internal;

import io.hubwatch.sink.prometheus.RemoteWriteSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Sends one remote-write body, retrying as the remote-write specification asks: 5xx, 429 and connection failures are
 * retried with exponential backoff; any other 4xx means the receiver refuses the data itself (for example
 * out-of-order samples), so retrying cannot help and the batch is dropped. Retrying gives up after
 * {@link RemoteWriteSettings#maxRetryDuration()}.
 *
 * <p>The calling thread blocks while it retries: inside a Flink sink writer that is back-pressure, so upstream
 * operators slow down instead of buffering without bound. Time and sleeping are injected so tests do not wait.
 */
public final class RetryingSender {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingSender.class);

    /** What became of one batch. */
    public enum Outcome { SENT, REFUSED, GAVE_UP }

    /** Pauses between attempts; tests pass one that only advances their clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final RemoteWriteSettings settings;
    private final HttpClient client;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long retries;

    public RetryingSender(RemoteWriteSettings settings, LongSupplier nanoClock, Sleeper sleeper) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        // HTTP/1.1: remote-write receivers (Prometheus, Mimir, VictoriaMetrics) all speak it, and the JDK client's
        // h2c upgrade attempt on a plain-text connection costs a round trip and confuses some servers.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.requestTimeout()).build();
    }

    public static RetryingSender create(RemoteWriteSettings settings) {
        return new RetryingSender(settings, System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    /** Retries made so far (each attempt after the first of a batch). */
    public long retries() {
        return retries;
    }

    public Outcome send(byte[] body, int sampleCount) throws InterruptedException {
        long start = nanoClock.getAsLong();
        Duration backoff = settings.retryInitialBackoff();
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(settings.endpoint())
                        .timeout(settings.requestTimeout())
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy")
                        .header("User-Agent", "hubwatch-remote-write")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                settings.headers().forEach(request::header);
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return Outcome.SENT;
                }
                String text = abbreviate(response.body());
                if (status != 429 && status / 100 == 4) {
                    LOG.warn("remote write to {} refused {} samples with {}: {}", settings.endpoint(), sampleCount,
                            status, text);
                    return Outcome.REFUSED;
                }
                problem = "status " + status + ": " + text;
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
            if (elapsed.plus(backoff).compareTo(settings.maxRetryDuration()) > 0) {
                LOG.error("remote write to {}: gave up on {} samples after {} attempts in {} ms; last: {}",
                        settings.endpoint(), sampleCount, attempt, elapsed.toMillis(), problem);
                return Outcome.GAVE_UP;
            }
            if (attempt == 1) {
                LOG.warn("remote write to {} failed ({}); retrying with backoff", settings.endpoint(), problem);
            }
            retries++;
            sleeper.sleep(backoff);
            backoff = backoff.multipliedBy(2);
            if (backoff.compareTo(settings.retryMaxBackoff()) > 0) {
                backoff = settings.retryMaxBackoff();
            }
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 300 ? one : one.substring(0, 300) + "...";
    }
}

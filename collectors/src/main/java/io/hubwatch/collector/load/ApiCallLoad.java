package io.hubwatch.collector.load;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.EventJson;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends an API-call workload to the ingest gateway at a fixed rate (an open model: events are due on a schedule,
 * whether or not earlier batches were answered), in batches, with at most {@code maxInFlight} requests waiting.
 * A batch that finds no free slot is not sent and counted as {@code behind}: the gateway (or this machine) could not
 * keep up with the rate asked for.
 *
 * <pre>{@code
 * LoadResult r = ApiCallLoad.run(new ApiCallLoad.Spec(gateway, key, 500, Duration.ofMinutes(3), 7.0,
 *         LatencyDistribution.parse("lognormal:300:0.8"), 100, 16), out);
 * }</pre>
 */
public final class ApiCallLoad {
    private static final long TICK_MS = 50;

    /**
     * @param ratePerSecond events per second
     * @param errorRate     percent of calls that fail with a 5xx
     * @param batchSize     events per request
     * @param maxInFlight   requests waiting for an answer at most
     */
    public record Spec(URI gateway, String key, double ratePerSecond, Duration duration, double errorRate,
                       LatencyDistribution latency, int batchSize, int maxInFlight) {
        public Spec {
            if (ratePerSecond <= 0) {
                throw new IllegalArgumentException("--rate must be positive, was " + ratePerSecond);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive, was " + duration);
            }
            if (errorRate < 0 || errorRate > 100) {
                throw new IllegalArgumentException("--error-rate is a percentage 0..100, was " + errorRate);
            }
            if (batchSize < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("--batch and --concurrency must be at least 1");
            }
        }
    }

    /**
     * @param generated   events due by the schedule
     * @param accepted    events the gateway accepted (202)
     * @param rejected    events refused (400/401/413 or named in a 202's rejected list)
     * @param rateLimited events answered 429
     * @param failed      events lost to 5xx answers or connection errors
     * @param behind      events not sent because {@code maxInFlight} requests were already waiting
     */
    public record Result(long generated, long accepted, long rejected, long rateLimited, long failed, long behind,
                         Duration elapsed) {
        public double acceptedPerSecond() {
            return accepted / Math.max(0.001, elapsed.toNanos() / 1e9);
        }
    }

    private ApiCallLoad() {}

    public static Result run(Spec spec, PrintWriter progress) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ApiCallWorkload workload = new ApiCallWorkload(spec.errorRate(), spec.latency(), System.nanoTime());
        URI target = spec.gateway().resolve("/v1/api-calls");
        Semaphore slots = new Semaphore(spec.maxInFlight());
        LongAdder accepted = new LongAdder();
        LongAdder rejected = new LongAdder();
        LongAdder rateLimited = new LongAdder();
        LongAdder failed = new LongAdder();
        long behind = 0;
        long generated = 0;
        long start = System.nanoTime();
        long end = start + spec.duration().toNanos();
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        List<ApiCallEvent> batch = new ArrayList<>(spec.batchSize());
        String lastProblem = null;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (long) ((now - start) / 1e9 * spec.ratePerSecond());
            long wallMs = System.currentTimeMillis();
            while (generated < due) {
                batch.add(workload.next(wallMs));
                generated++;
                if (batch.size() == spec.batchSize() || generated == due) {
                    if (slots.tryAcquire()) {
                        send(http, target, spec.key(), batch, slots, accepted, rejected, rateLimited, failed);
                    } else {
                        behind += batch.size();
                    }
                    batch = new ArrayList<>(spec.batchSize());
                }
            }
            if (progress != null && now >= nextReport) {
                double seconds = (now - start) / 1e9;
                progress.printf("  %3.0fs: %d events due, %d accepted (%.0f/s), %d rate-limited, %d failed, %d behind%n",
                        seconds, generated, accepted.sum(), accepted.sum() / seconds, rateLimited.sum(), failed.sum(), behind);
                progress.flush();
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(TICK_MS);
        }
        slots.tryAcquire(spec.maxInFlight(), 30, TimeUnit.SECONDS); // wait for the answers still on their way
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Result(generated, accepted.sum(), rejected.sum(), rateLimited.sum(), failed.sum(), behind, elapsed);
    }

    private static void send(HttpClient http, URI target, String key, List<ApiCallEvent> batch, Semaphore slots,
                             LongAdder accepted, LongAdder rejected, LongAdder rateLimited, LongAdder failed) {
        int n = batch.size();
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Hubwatch-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(batch))).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    failed.add(n);
                } else if (response.statusCode() == 202) {
                    int refused = rejectedCount(response.body());
                    accepted.add(n - refused);
                    rejected.add(refused);
                } else if (response.statusCode() == 429) {
                    rateLimited.add(n);
                } else if (response.statusCode() >= 500) {
                    failed.add(n);
                } else {
                    rejected.add(n);
                }
            } finally {
                slots.release();
            }
        });
    }

    private static int rejectedCount(String body) {
        int i = body.indexOf("\"rejected\":[]");
        if (i >= 0) {
            return 0;
        }
        try {
            return EventJson.mapper().readTree(body).path("rejected").size();
        } catch (Exception e) {
            return 0;
        }
    }
}

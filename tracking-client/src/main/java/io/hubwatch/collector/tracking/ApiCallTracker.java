package io.hubwatch.collector.tracking;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.EventJson;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records API calls of a Java service and sends them to the ingest gateway in batches, on a thread of its own.
 * {@link #record} never blocks: it puts the call in a bounded queue, and when the queue is full the call is dropped
 * and counted ({@link #stats()}), because a monitoring library must never slow the service it watches.
 *
 * <pre>{@code
 * ApiCallTracker tracker = ApiCallTracker.start(TrackerConfig.of(URI.create("http://ingest:8088"), key));
 * tracker.record(new ApiCallEvent(System.currentTimeMillis(), "/v1/chat", "POST", 200, 812, "u-1", "s-1",
 *         "gpt-4o", 120, 380, 0.004));
 * ...
 * tracker.close();   // sends what is queued, for up to 5 s
 * }</pre>
 * A {@link ApiCallFilter} records every request of a servlet application through a tracker.
 */
public final class ApiCallTracker implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 3;

    private final TrackerConfig config;
    private final BlockingQueue<ApiCallEvent> queue;
    private final HttpClient http;
    private final Thread sender;
    private final LongAdder recorded = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean stopping;
    private volatile long stopDeadlineNanos = Long.MAX_VALUE;

    private ApiCallTracker(TrackerConfig config) {
        this.config = config;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.sender = new Thread(this::sendLoop, "hubwatch-api-call-tracker");
        sender.setDaemon(true);
    }

    public static ApiCallTracker start(TrackerConfig config) {
        ApiCallTracker tracker = new ApiCallTracker(config);
        tracker.sender.start();
        return tracker;
    }

    /** Queues one call; never blocks. Returns false (and counts a drop) when the queue is full or the tracker closed. */
    public boolean record(ApiCallEvent call) {
        recorded.increment();
        if (stopping || !queue.offer(call)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    public TrackerStats stats() {
        return new TrackerStats(recorded.sum(), sent.sum(), dropped.sum(), failed.sum());
    }

    private void sendLoop() {
        List<ApiCallEvent> batch = new ArrayList<>(config.batchSize());
        try {
            while (!stopping || (!queue.isEmpty() && System.nanoTime() < stopDeadlineNanos)) {
                ApiCallEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long flushAt = System.nanoTime() + config.flushInterval().toNanos();
                while (batch.size() < config.batchSize() && !stopping) {
                    long left = flushAt - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    ApiCallEvent next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                queue.drainTo(batch, config.batchSize() - batch.size());
                send(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failed.add(batch.size() + queue.size());
        queue.clear();
    }

    private void send(List<ApiCallEvent> batch) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(config.gateway().resolve("/v1/api-calls"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Hubwatch-Key", config.ingestKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(batch)))
                .build();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long waitMs = 500L * attempt;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 202) {
                    int rejected = rejectedCount(response.body());
                    sent.add(batch.size() - rejected);
                    failed.add(rejected);
                    return;
                }
                if (status != 429 && status != 503) {
                    failed.add(batch.size()); // 400, 401, 413: sending again would not help
                    return;
                }
                waitMs = response.headers().firstValueAsLong("Retry-After").orElse(1) * 1000;
            } catch (IOException e) {
                // gateway away: retry below
            }
            if (stopping && System.nanoTime() + waitMs * 1_000_000 > stopDeadlineNanos) {
                break;
            }
            Thread.sleep(waitMs);
        }
        failed.add(batch.size());
    }

    private static int rejectedCount(String body) {
        try {
            return EventJson.mapper().readTree(body).path("rejected").size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Stops taking calls and sends what is queued, for up to 5 s; what is left then is counted as failed. */
    @Override
    public void close() {
        stopDeadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        stopping = true;
        try {
            sender.join(6_000);
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.hubwatch.bench.ingest;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestGateway;
import io.hubwatch.collector.load.ApiCallWorkload;
import io.hubwatch.collector.load.LatencyDistribution;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.EventJson;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.NewTopic;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events per second the ingest gateway accepts (202: validated and acknowledged by Kafka, acks=all) in batches, on
 * this machine: an in-JVM Kafka broker, the gateway, and {@code clients} closed-loop HTTP senders, all in one process
 * on the same cores, so the figure is what gateway + broker + client together sustain (a lower bound for the gateway).
 * The senders post pre-built batches of realistic API calls ({@link ApiCallWorkload}), so building JSON on the client
 * side does not count against the gateway; every event is still parsed, validated, re-serialized and published.
 *
 * <pre>{@code
 * benchmarks/ingest-gateway.sh [batch=500] [clients=8] [seconds=30]
 * }</pre>
 */
public final class IngestThroughput {
    private static final String KEY = "bench-key-0123456789abcdef";

    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of(new NewTopic("api-calls", 2, (short) 1), new NewTopic("dead-letter", 1, (short) 1)));
            IngestConfig config = IngestConfig.of(kafka.bootstrapServers(), Map.of(KEY, "bench"))
                    .withRateLimit(10_000_000, 10_000_000);
            try (IngestGateway gateway = IngestGateway.start(config)) {
                List<byte[]> bodies = bodies(batch);
                System.out.printf("warm-up 10 s, then %d s: batches of %d, %d clients, gateway %s%n", seconds, batch, clients,
                        gateway.address());
                run(gateway.address(), bodies, batch, clients, Duration.ofSeconds(10), null);
                Histogram latency = new Histogram(60_000_000_000L, 3);
                long[] result = run(gateway.address(), bodies, batch, clients, Duration.ofSeconds(seconds), latency);
                double perSecond = result[0] / (result[1] / 1e9);
                System.out.printf("RESULT events/s=%.0f requests/s=%.1f batch=%d clients=%d seconds=%d failed-requests=%d "
                                + "request-ms p50=%.1f p99=%.1f max=%.1f%n", perSecond, perSecond / batch, batch, clients,
                        seconds, result[2], latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                        latency.getMaxValue() / 1e6);
                System.out.println("gateway stats: " + gateway.stats());
            }
        }
        System.exit(0);
    }

    private static List<byte[]> bodies(int batch) {
        ApiCallWorkload workload = new ApiCallWorkload(2, LatencyDistribution.parse("lognormal:300:0.8"), 1);
        List<byte[]> bodies = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int b = 0; b < 16; b++) {
            List<ApiCallEvent> events = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                events.add(workload.next(now + i));
            }
            bodies.add(EventJson.toBytes(events));
        }
        return bodies;
    }

    /** Returns {accepted events, elapsed nanos, failed requests}. */
    private static long[] run(URI gateway, List<byte[]> bodies, int batch, int clients, Duration length, Histogram latency)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI target = gateway.resolve("/v1/api-calls");
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int offset = c;
            Thread t = new Thread(() -> {
                int i = offset;
                while (!stop.get()) {
                    byte[] body = bodies.get(i++ % bodies.size());
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(target)
                                .header("Content-Type", "application/json").header("X-Hubwatch-Key", KEY)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 202) {
                            accepted.addAndGet(batch);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    if (latency != null) {
                        synchronized (latency) {
                            latency.recordValue(Math.min(System.nanoTime() - sent, 59_000_000_000L));
                        }
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(length.toMillis());
        stop.set(true);
        long elapsed = System.nanoTime() - start;
        for (Thread t : threads) {
            t.join();
        }
        return new long[] {accepted.get(), elapsed, failed.get()};
    }
}

package io.hubwatch.bench.alerting;

import com.sun.net.httpserver.HttpServer;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@code for: 0s} alert's time goes in a running {@code bin/hubwatch up}, hop by hop, on the latency harness'
 * pattern: every series is pushed through the ingest gateway once a second at its own random phase; each flip series
 * turns 10 → 90 at a random moment, and back to 10 once its firing webhook arrived. For each firing it records, all by
 * this process' wall clock (microseconds):
 * <ul>
 *   <li>{@code sample}: the sample's own timestamp, taken just before the POST (as the harness' pusher does);</li>
 *   <li>{@code metric}: when a {@code read_uncommitted} consumer of this process first read the 90 sample from
 *       {@code metrics} (gateway, its Kafka producer, the broker's append);</li>
 *   <li>{@code accepted}: when the gateway answered 202 (after {@code acks=all});</li>
 *   <li>{@code incident}: when a {@code read_uncommitted} consumer first read the firing incident from
 *       {@code incidents} (the alert job: its Kafka source, the exchanges, the exactly-once sink's send);</li>
 *   <li>{@code webhook}: when the notifier's webhook POST reached this process' HTTP server, headers read (the
 *       notifier's consumer, its dispatcher, the HTTP post).</li>
 * </ul>
 * The two consumers add their own fetch wake-up to the times they record: well under a millisecond on a quiet
 * machine, a few under load (where a webhook is then sometimes recorded before the incident it carries).
 *
 * <pre>{@code
 * benchmarks/alert-latency.sh [flips=40] [background series=20]   # starts and stops `up` itself
 * java ... AlertLatencyHops --ingest URL --key KEY --kafka BOOTSTRAP --webhook-port P [--flips N] [--background N]
 *     [--warmup SECONDS, default 40: the JVMs of a fresh `up` are cold]
 * }</pre>
 */
public final class AlertLatencyHops {
    private static final String METRIC = "probe_value";
    private static final Pattern SID = Pattern.compile("\"sid\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(firing|resolved)\"");

    /** One flip series: its current value and the times of its firing. */
    static final class Flip {
        final String sid;
        volatile double value = 10;
        volatile long sampleUs;    // first push of 90
        volatile long acceptedUs;
        volatile long metricUs;
        volatile long incidentUs;
        volatile long webhookUs;
        volatile long flipUs;

        Flip(String sid) {
            this.sid = sid;
        }
    }

    private static long nowUs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        String ingest = opt.get("ingest");
        String key = opt.get("key");
        String kafka = opt.get("kafka");
        int port = Integer.parseInt(opt.get("webhook-port"));
        int flips = Integer.parseInt(opt.getOrDefault("flips", "40"));
        int background = Integer.parseInt(opt.getOrDefault("background", "20"));
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

        Map<String, Flip> bySid = new ConcurrentHashMap<>();
        List<Flip> order = new ArrayList<>();
        for (int i = 0; i < flips; i++) {
            Flip f = new Flip("hop-" + run + "-" + i);
            bySid.put(f.sid, f);
            order.add(f);
        }
        CountDownLatch fired = new CountDownLatch(flips);

        // the webhook receiver
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/hook", exchange -> {
            long t = nowUs();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            String text = new String(body, StandardCharsets.UTF_8);
            // one alert per group (group_by sid): the group's status is the alert's
            Matcher s = SID.matcher(text);
            Matcher st = STATUS.matcher(text);
            if (s.find() && st.find() && "firing".equals(st.group(1))) {
                Flip f = bySid.get(s.group(1));  // never null: the regex matched
                if (f != null && f.webhookUs == 0 && f.sampleUs != 0) {
                    f.webhookUs = t;
                    fired.countDown();
                    f.value = 10; // back, as the harness does at once
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        // the receiver's own first request loads the JDK server's classes (accept, parse, the handler, the regexes): a
        // few hundred ms on this machine, which the first firing's "incident -> webhook" counted as the notifier's.
        // One request to itself now, so the hops measure Hubwatch alone.
        java.net.http.HttpClient self = java.net.http.HttpClient.newHttpClient();
        self.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/hook"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"status\":\"firing\",\"alerts\":[{\"labels\":{\"sid\":\"warm-up\"}}]}")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());

        // read_uncommitted watchers of both topics, from their ends
        Thread metrics = watch(kafka, "metrics", (r, t) -> {
            MetricEvent e;
            try {
                e = EventJson.parseMetric(r.value());
            } catch (Exception ex) {
                return;
            }
            Flip f = bySid.get(e.labels().getOrDefault("sid", ""));
            if (f != null && e.value() > 80 && f.metricUs == 0 && f.sampleUs != 0) {
                f.metricUs = t;
            }
        });
        Thread incidents = watch(kafka, "incidents", (r, t) -> {
            Incident i;
            try {
                i = EventJson.parseIncident(r.value());
            } catch (Exception ex) {
                return;
            }
            Flip f = bySid.get(i.labels().getOrDefault("sid", ""));
            if (f != null && i.status() == IncidentStatus.FIRING && f.incidentUs == 0) {
                f.incidentUs = t;
            }
        });
        metrics.start();
        incidents.start();
        Thread.sleep(2_000); // the watchers are assigned and at the end

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Thread> pushers = new ArrayList<>();
        for (int i = 0; i < background; i++) {
            String sid = "bg-" + run + "-" + i;
            pushers.add(pusher(http, ingest, key, sid, () -> 10, null));
        }
        for (Flip f : order) {
            pushers.add(pusher(http, ingest, key, f.sid, () -> f.value, f));
        }
        pushers.forEach(Thread::start);
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "40"));
        System.out.printf("pushing %d background and %d flip series every 1 s; warm-up %d s%n", background, flips, warmup);
        Thread.sleep(warmup * 1000L);

        // flips at random moments, about one a second: with their resolutions two notifications a second, as in the
        // harness, well under the notifier's default rate limit per receiver (5/s, burst 10), which would queue them
        Random random = new Random();
        for (Flip f : order) {
            Thread.sleep(500 + random.nextInt(1000));
            f.flipUs = nowUs();
            f.value = 90;
        }
        boolean all = fired.await(30, TimeUnit.SECONDS);
        Thread.sleep(1_500); // let the resolutions go out before up is stopped
        server.stop(0);

        report(order, all);
        System.exit(0);
    }

    private interface OnRecord {
        void accept(ConsumerRecord<byte[], byte[]> record, long receivedUs);
    }

    private static Thread watch(String kafka, String topic, OnRecord onRecord) {
        Thread t = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.CLIENT_ID_CONFIG, "alert-latency-hops-" + topic),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = new ArrayList<>();
                for (PartitionInfo p : consumer.partitionsFor(topic)) {
                    parts.add(new TopicPartition(topic, p.partition()));
                }
                consumer.assign(parts);
                consumer.seekToEnd(parts);
                parts.forEach(consumer::position);
                while (!Thread.currentThread().isInterrupted()) {
                    var records = consumer.poll(Duration.ofMillis(500));
                    long t0 = nowUs();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        onRecord.accept(r, t0);
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // stopping
            }
        }, "watch-" + topic);
        t.setDaemon(true);
        return t;
    }

    private static Thread pusher(HttpClient http, String ingest, String key, String sid,
                                 java.util.function.DoubleSupplier value, Flip flip) {
        Thread t = new Thread(() -> {
            long next = System.nanoTime() + (long) (ThreadLocalRandom.current().nextDouble() * 1e9);
            URI uri = URI.create(ingest + "/v1/metrics");
            while (true) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next += 1_000_000_000L;
                double v = value.getAsDouble();
                long us = nowUs();
                String body = String.format(Locale.ROOT, "[{\"timestamp\": %d, \"source\": \"latency-hops\", \"metric\": \"%s\", "
                        + "\"value\": %s, \"labels\": {\"hold\": \"hops\", \"sid\": \"%s\"}}]", us / 1000, METRIC, v, sid);
                if (flip != null && v > 80 && flip.sampleUs == 0) {
                    flip.sampleUs = us;
                }
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                            .header("Content-Type", "application/json").header("X-Hubwatch-Key", key)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                    if (flip != null && v > 80 && flip.acceptedUs == 0 && r.statusCode() == 202) {
                        flip.acceptedUs = nowUs();
                    }
                } catch (Exception e) {
                    System.err.println(sid + ": push failed: " + e);
                }
            }
        }, "push-" + sid);
        t.setDaemon(true);
        return t;
    }

    private static void report(List<Flip> flips, boolean all) {
        List<Flip> done = flips.stream().filter(f -> f.webhookUs != 0 && f.metricUs != 0 && f.incidentUs != 0).toList();
        System.out.printf("firings measured: %d of %d%s%n", done.size(), flips.size(), all ? "" : " (some never fired)");
        if (done.isEmpty()) {
            return;
        }
        System.out.printf("%-52s %8s %8s %8s %8s %8s%n", "hop (ms)", "min", "median", "p90", "max", "mean");
        row("flip -> sample (the push phase, U(0,1 s))", done, f -> f.sampleUs - f.flipUs);
        row("sample -> metric readable (gateway, producer, broker)", done, f -> f.metricUs - f.sampleUs);
        row("sample -> 202 accepted", done, f -> f.acceptedUs - f.sampleUs);
        row("metric -> incident readable (alert job, sink)", done, f -> f.incidentUs - f.metricUs);
        row("incident -> webhook arrived (notifier, HTTP)", done, f -> f.webhookUs - f.incidentUs);
        row("sample -> webhook (the harness' pipeline part)", done, f -> f.webhookUs - f.sampleUs);
        row("sample ms -> webhook (as the harness: startsAt)", done, f -> f.webhookUs - f.sampleUs / 1000 * 1000);
        // the slowest firings with their wall-clock times (UTC), to be matched with up's log, a GC log or a trace
        System.out.println("slowest firings (sample -> webhook), hops in ms:");
        done.stream().sorted(java.util.Comparator.comparingLong((Flip f) -> f.sampleUs - f.webhookUs)).limit(3)
                .forEach(f -> System.out.printf(Locale.ROOT,
                        "  %s at %s: sample->metric %.1f, metric->incident %.1f, incident->webhook %.1f, total %.1f%n",
                        f.sid, Instant.ofEpochSecond(f.sampleUs / 1_000_000, f.sampleUs % 1_000_000 * 1_000),
                        (f.metricUs - f.sampleUs) / 1000.0, (f.incidentUs - f.metricUs) / 1000.0,
                        (f.webhookUs - f.incidentUs) / 1000.0, (f.webhookUs - f.sampleUs) / 1000.0));
        System.out.println("RESULT " + String.format(Locale.ROOT,
                "n=%d sample->metric=%.1f metric->incident=%.1f incident->webhook=%.1f sample->webhook=%.1f (medians, ms)",
                done.size(), median(done, f -> f.metricUs - f.sampleUs), median(done, f -> f.incidentUs - f.metricUs),
                median(done, f -> f.webhookUs - f.incidentUs), median(done, f -> f.webhookUs - f.sampleUs)));
    }

    private static double median(List<Flip> flips, ToDoubleFunction<Flip> us) {
        double[] v = flips.stream().mapToDouble(us).sorted().toArray();
        return quantile(v, 0.5) / 1000;
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static void row(String name, List<Flip> flips, ToDoubleFunction<Flip> us) {
        double[] v = flips.stream().mapToDouble(us).map(x -> x / 1000).sorted().toArray();
        // the minimum is the hop without scheduling delays: a fixed wait (a linger, a timer) shows there first
        System.out.printf(Locale.ROOT, "%-52s %8.1f %8.1f %8.1f %8.1f %8.1f%n", name, v[0], quantile(v, 0.5), quantile(v, 0.9),
                v[v.length - 1], Arrays.stream(v).average().orElse(0));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opt = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : List.of("ingest", "key", "kafka", "webhook-port")) {
            if (!opt.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        return opt;
    }
}

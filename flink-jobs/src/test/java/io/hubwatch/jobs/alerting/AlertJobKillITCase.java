package io.hubwatch.jobs.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.config.NotifierConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exactly-once promise under a real crash: the alert job runs in a JVM of its own, is killed with SIGKILL in the
 * middle of a flood of episodes, and is restored from its last checkpoint. A {@code read_committed} reader of the
 * incidents topic and the notifier's webhook receiver each see every firing and every resolved exactly once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AlertJobKillITCase {
    private static final int SERIES = 300;
    private static final String RULE = "{id: flood, metric: cpu_usage, op: '>', threshold: 80, severity: warning}";

    @Test
    void aJobKilledWithSigkillDuringAFloodOfEpisodesDeliversEachExactlyOnce(EmbeddedKafka kafka, @TempDir Path dir)
            throws Exception {
        try (KafkaTopics topics = new KafkaTopics(kafka, "kill"); Receiver receiver = new Receiver()) {
            String group = "alert-" + topics.metrics;
            Path checkpoints = dir.resolve("checkpoints");
            NotifierConfig notifierConfig = NotifierConfig.parse("""
                    hubwatch:
                      allow_loopback: true
                      kafka: { incidents_topic: %s, dead_letter_topic: %s, group_id: notifier-%s }
                    route: { receiver: hook, group_by: ['...'], group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
                    receivers:
                      - name: hook
                        webhook_configs: [{ url: '%s', send_resolved: true }]
                    """.formatted(topics.incidents, topics.deadLetters, topics.incidents, receiver.url()), null, k -> null);

            Process first = startJob(kafka, topics, group, checkpoints, null, dir.resolve("first.log"));
            try (Notifier notifier = Notifier.start(notifierConfig, kafka.bootstrapServers())) {
                // the flood: a firing for every series, sent while the job is killed and restored
                Thread flood = new Thread(() -> sendAll(topics, 95, 10), "flood");
                flood.start();
                await().atMost(Duration.ofSeconds(90)).until(() -> committed(topics).size() >= 20);
                first.destroyForcibly(); // SIGKILL: nothing is flushed, committed or cleaned up on the way out
                first.waitFor(30, TimeUnit.SECONDS);
                int beforeKill = committed(topics).size();

                Process second = startJob(kafka, topics, group, checkpoints, latestCheckpoint(checkpoints),
                        dir.resolve("second.log"));
                try {
                    flood.join();
                    await().atMost(Duration.ofSeconds(120)).until(() -> receiver.count(IncidentStatus.FIRING) >= SERIES);
                    // every episode ends: the resolved flood
                    sendAll(topics, 20, 0);
                    await().atMost(Duration.ofSeconds(120)).until(() -> receiver.count(IncidentStatus.RESOLVED) >= SERIES);
                    Thread.sleep(3_000); // a repeat would show up by now: a dozen checkpoints and notifier flushes

                    List<Incident> incidents = committed(topics);
                    assertThat(beforeKill).as("killed mid-flood").isBetween(1, SERIES - 1);
                    assertThat(incidents).hasSize(2 * SERIES);
                    assertThat(incidents).extracting(Incident::id).doesNotHaveDuplicates();
                    assertThat(incidents.stream().collect(Collectors.groupingBy(Incident::fingerprint, Collectors.counting())))
                            .hasSize(SERIES).allSatisfy((fingerprint, n) -> assertThat(n).isEqualTo(2L));
                    assertThat(receiver.deliveries).hasSize(2 * SERIES)
                            .allSatisfy((alert, n) -> assertThat(n.get()).as(alert).isEqualTo(1));
                } finally {
                    second.destroyForcibly();
                    second.waitFor(30, TimeUnit.SECONDS);
                }
            } finally {
                first.destroyForcibly();
            }
        }
    }

    /** One sample per series, event time now, at about {@code perSecond}... as fast as possible when 0. */
    private static void sendAll(KafkaTopics topics, double value, int pauseMs) {
        try {
            for (int i = 0; i < SERIES; i++) {
                MetricEvent e = MetricEvent.of(System.currentTimeMillis(), "kill-" + i, "cpu_usage", value);
                topics.send(e.seriesKey(), EventJson.toBytes(e));
                if (pauseMs > 0) {
                    Thread.sleep(pauseMs);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Incident> committed(KafkaTopics topics) {
        return topics.readCommitted(topics.incidents, Duration.ofSeconds(60)).stream()
                .map(v -> EventJson.read(v.getBytes(StandardCharsets.UTF_8), Incident.class)).toList();
    }

    private static Process startJob(EmbeddedKafka kafka, KafkaTopics topics, String group, Path checkpoints,
                                    Path restore, Path log) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), AlertJobProcess.class.getName(),
                kafka.bootstrapServers(), topics.metrics, topics.incidents, topics.deadLetters, group,
                checkpoints.toString(), RULE));
        if (restore != null) {
            command.add(restore.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("RUNNING")) {
                Thread drain = new Thread(() -> drain(out, log), "job-output");
                drain.setDaemon(true);
                drain.start();
                return p;
            }
            seen.append(line).append('\n');
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the job process did not start:\n" + seen);
    }

    private static void drain(BufferedReader out, Path log) {
        try (var w = Files.newBufferedWriter(log)) {
            for (String line; (line = out.readLine()) != null; ) {
                w.write(line);
                w.newLine();
            }
        } catch (Exception e) {
            // the process is gone
        }
    }

    private static Path latestCheckpoint(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no completed checkpoint under " + dir));
        }
    }

    /** A webhook receiver that counts each alert it is told about, by fingerprint, start and status. */
    private static final class Receiver implements AutoCloseable {
        final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        private final java.util.Set<String> keys = ConcurrentHashMap.newKeySet();
        private final HttpServer server;

        Receiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                JsonNode body = EventJson.read(exchange.getRequestBody().readAllBytes(), JsonNode.class);
                // a webhook POST is at-least-once (a retry after a timeout repeats it, as Alertmanager's do); the
                // notifier's contract is the Idempotency-Key, the same for a repeat: a receiver honouring it, as this
                // one does, sees each notification once
                String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                if (idempotencyKey == null || !keys.add(idempotencyKey)) {
                    exchange.sendResponseHeaders(idempotencyKey == null ? 400 : 200, -1);
                    exchange.close();
                    return;
                }
                for (JsonNode alert : body.path("alerts")) {
                    String key = alert.path("fingerprint").asText() + "@" + alert.path("startsAt").asText()
                            + ":" + alert.path("status").asText();
                    deliveries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        long count(IncidentStatus status) {
            return deliveries.keySet().stream().filter(k -> k.endsWith(":" + status.wireName())).count();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

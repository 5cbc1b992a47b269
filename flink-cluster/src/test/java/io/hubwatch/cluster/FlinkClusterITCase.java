package io.hubwatch.cluster;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import io.hubwatch.testing.TopicReader;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three jobs as a user runs them: the shaded job jar submitted with Flink's own command-line client to a standalone
 * session cluster (JobManager and TaskManager as separate processes, nothing of Hubwatch on their classpath), reading
 * and writing a real broker. The alert job is stopped with a savepoint and resumed from it with its state: an alert
 * that fired before the stop resolves after it.
 */
class FlinkClusterITCase {
    private static final Path JOB_JAR = Path.of(System.getProperty("hubwatch.jobJar", "../flink-jobs/target/missing.jar"));
    private static final String ALERT = "io.hubwatch.jobs.alerting.AlertJob";
    private static final String ANOMALY = "io.hubwatch.jobs.anomaly.AnomalyJob";
    private static final String STATS = "io.hubwatch.jobs.stats.BusinessStatsJob";
    private static final String LATENCY_TOPIC = "metrics-latency";

    @Test
    void theThreeJobsRunOnAStandaloneClusterAndTheAlertJobResumesFromASavepoint(@TempDir Path tmp) throws Exception {
        assertThat(JOB_JAR).exists();
        // the cluster's upload limit and the budget: Flink's jars provided, no unused native libraries
        assertThat(Files.size(JOB_JAR)).isLessThanOrEqualTo(40L * 1024 * 1024);
        Path rules = Files.writeString(tmp.resolve("rules.yaml"),
                "rules: [{id: hot, metric: cpu_usage, op: '>', threshold: 80, severity: warning}]\n");
        Path anomalySettings = Files.writeString(tmp.resolve("anomaly.yaml"),
                "anomaly: [{metric: 'latency_*', sensitivity: 0.2}]\n");

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             // under target/, not the temporary directory: its logs are what to read when this test fails
             FlinkSessionCluster cluster = FlinkSessionCluster.start(
                     Path.of("target", "cluster-it-" + UUID.randomUUID().toString().substring(0, 8)), 4,
                     Duration.ofSeconds(300))) {
            phase("cluster up at " + cluster.address() + " (" + cluster.directory() + ")");
            kafka.createTopics(EmbeddedKafka.hubwatchTopics(2));
            // the anomaly job reads its own topic: its series' event times run ahead, which must not move the alert
            // job's watermark
            kafka.createTopics(List.of(new NewTopic(LATENCY_TOPIC, 2, (short) 1)));
            String bs = kafka.bootstrapServers();
            List<String> fast = List.of("--kafka", bs, "--checkpoint-interval", "1s", "--out-of-orderness", "1s",
                    "--idleness", "2s");
            List<String> alertArgs = concat(fast, List.of("--rules", rules.toString()));
            FlinkCli flink = cluster.cli();

            CompletableFuture<String> alert = CompletableFuture.supplyAsync(() -> flink.run(JOB_JAR, ALERT, alertArgs, null));
            CompletableFuture<String> anomaly = CompletableFuture.supplyAsync(() -> flink.run(JOB_JAR, ANOMALY,
                    concat(fast, List.of("--anomaly-settings", anomalySettings.toString(), "--prime-from", "1d",
                            "--metrics-topic", LATENCY_TOPIC)), null));
            CompletableFuture<String> stats = CompletableFuture.supplyAsync(() -> flink.run(JOB_JAR, STATS, fast, null));
            for (CompletableFuture<String> job : List.of(alert, anomaly, stats)) {
                cluster.rest().awaitRunning(job.get(), Duration.ofSeconds(180));
            }
            phase("three jobs running");
            long start = System.currentTimeMillis();

            try (KafkaProducer<byte[], byte[]> producer = producer(bs)) {
                for (long t = 0; t <= 30_000; t += 10_000) {
                    send(producer, MetricEvent.of(start + t, "web-1", "cpu_usage", 92));
                }
                sendLatencyWithOneSpike(producer, start);
            }
            List<Incident> seen = readIncidents(bs, v -> v.stream().anyMatch(i -> i.kind() == IncidentKind.ANOMALY)
                    && v.stream().anyMatch(i -> i.labels().get("alertname").equals("hot")), Duration.ofSeconds(180));
            assertThat(seen).filteredOn(i -> i.labels().get("alertname").equals("hot"))
                    .extracting(i -> i.labels().get("host"), Incident::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("web-1", IncidentStatus.FIRING));
            assertThat(seen).filteredOn(i -> i.kind() == IncidentKind.ANOMALY)
                    .allSatisfy(i -> assertThat(i.labels()).containsEntry("host", "api-1"));

            phase("alert and anomaly incidents seen");
            String savepoint = flink.stopWithSavepoint(alert.get());
            phase("alert job stopped with savepoint " + savepoint);
            assertThat(cluster.rest().jobState(alert.get())).isEqualTo("FINISHED");
            try (KafkaProducer<byte[], byte[]> producer = producer(bs)) {
                for (long t = 40_000; t <= 60_000; t += 10_000) {
                    send(producer, MetricEvent.of(start + t, "web-1", "cpu_usage", 40));
                }
            }
            String resumed = flink.run(JOB_JAR, ALERT, alertArgs, savepoint);
            cluster.rest().awaitRunning(resumed, Duration.ofSeconds(180));
            phase("alert job resumed");

            List<Incident> after = readIncidents(bs, v -> v.stream().anyMatch(i -> i.status() == IncidentStatus.RESOLVED
                            && i.labels().get("alertname").equals("hot")),
                    Duration.ofSeconds(180));
            phase("resolved seen");
            // only the restored state knows web-1 was firing: a fresh start would have nothing to resolve
            assertThat(after).filteredOn(i -> i.labels().get("alertname").equals("hot"))
                    .extracting(i -> i.labels().get("host"), Incident::status).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("web-1", IncidentStatus.FIRING),
                            org.assertj.core.groups.Tuple.tuple("web-1", IncidentStatus.RESOLVED));
            assertThat(cluster.rest().jobState(stats.get())).isEqualTo("RUNNING");
            assertThat(cluster.rest().jobState(anomaly.get())).isEqualTo("RUNNING");
        }
    }

    private static final long T0 = System.nanoTime();

    /** Progress on standard error: where the time goes when this test is slow. */
    private static void phase(String what) {
        System.err.printf("FlinkClusterITCase +%.1fs %s%n", (System.nanoTime() - T0) / 1e9, what);
    }

    /** A seasonal latency series: history (priming the model) before the start, then a live part with one spike. */
    private static void sendLatencyWithOneSpike(KafkaProducer<byte[], byte[]> producer, long start) {
        Random r = new Random(1);
        int history = 1300;
        int live = 150;
        long step = 10_000;
        for (int i = 0; i < history + live; i++) {
            long t = i < history ? start - 60_000 - (history - i) * step : start + 60_000 + (i - history) * step;
            double v = 40 + 8 * Math.sin(2 * Math.PI * i / 60) + r.nextGaussian() + (i == history + 60 ? 45 : 0);
            MetricEvent e = MetricEvent.of(t, "api-1", "latency_ms", v);
            producer.send(new ProducerRecord<>(LATENCY_TOPIC, e.seriesKey().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(e)));
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, MetricEvent e) {
        producer.send(new ProducerRecord<>(Topics.METRICS, e.seriesKey().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(e)));
    }

    /** Everything committed on the incidents topic so far, polled until {@code done} holds or the timeout passes. */
    private static List<Incident> readIncidents(String bootstrap, Predicate<List<Incident>> done, Duration timeout) {
        return TopicReader.readUntil(bootstrap, Topics.INCIDENTS, TopicReader.Isolation.COMMITTED,
                r -> EventJson.read(r.value(), Incident.class), done, timeout);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

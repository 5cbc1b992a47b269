package io.hubwatch.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Severity;
import io.hubwatch.testing.PrometheusServer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The export job as {@code flink run} wires it: metrics and incidents from a real broker, into a real Prometheus'
 * remote-write receiver, read back with PromQL as Grafana would.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PrometheusExportJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void metricsBecomeSeriesAndAlertsBecomeAlertsUntilResolved(EmbeddedKafka kafka, @TempDir Path tmp) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String metrics = "metrics-export-" + suffix;
        String incidents = "incidents-export-" + suffix;
        kafka.createTopics(List.of(new NewTopic(metrics, 2, (short) 1), new NewTopic(incidents, 1, (short) 1)));

        try (PrometheusServer prometheus = PrometheusServer.start(tmp, List.of());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < 10; i++) {
                MetricEvent e = new MetricEvent(now - 10_000 + i * 1000L, "web-1", "cpu_usage", 50 + i, Map.of("cpu", "total"));
                producer.send(new ProducerRecord<>(metrics, e.seriesKey().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(e)));
            }
            producer.send(new ProducerRecord<>(metrics, "bad".getBytes(), "{not json".getBytes()));
            Instant startsAt = Instant.ofEpochMilli(now - 5_000);
            producer.send(record(incidents, incident(IncidentStatus.FIRING, startsAt)));
            producer.flush();

            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "none");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            PrometheusExportConfig config = PrometheusExportConfig.defaults(kafka.bootstrapServers(), prometheus.remoteWriteUrl())
                    .withTopics(metrics, incidents).withGroup("export-" + suffix)
                    .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(200))
                    .startingFromEarliest();
            PrometheusExportJob.wire(env, config);
            JobClient job = env.executeAsync(PrometheusExportJob.NAME);
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode cpu = prometheus.query("cpu_usage{host=\"web-1\",cpu=\"total\"}");
                    assertThat(cpu).hasSize(1);
                    assertThat(cpu.get(0).path("value").get(1).asText()).isEqualTo("59");
                    JsonNode alerts = prometheus.query("ALERTS{alertname=\"high_cpu\",alertstate=\"firing\"}");
                    assertThat(alerts).hasSize(1);
                    assertThat(alerts.get(0).path("metric").path("severity").asText()).isEqualTo("warning");
                });

                producer.send(record(incidents, incident(IncidentStatus.RESOLVED, startsAt)));
                producer.flush();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(prometheus.query("ALERTS{alertname=\"high_cpu\"}")).isEmpty());
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Incident incident(IncidentStatus status, Instant startsAt) {
        String fp = "fp-export";
        return new Incident(Incident.idFor(fp, startsAt, status), "high_cpu", IncidentKind.THRESHOLD, status,
                Severity.WARNING, "cpu_usage", Map.of("alertname", "high_cpu", "host", "web-1"), 93, 80.0, startsAt,
                status == IncidentStatus.RESOLVED ? startsAt.plusSeconds(4) : null, "hot", Map.of(), fp);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, Incident incident) {
        return new ProducerRecord<>(topic, incident.fingerprint().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(incident));
    }
}

package io.hubwatch.jobs.anomaly;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.rules.anomaly.AnomalySettings;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.testing.TopicReader;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The anomaly job as {@code flink run} wires it (Kafka source, exactly-once Kafka sink), on a Flink MiniCluster and a
 * real Kafka broker: a series is primed from the history on the topic, then an anomaly injected into its live part
 * raises exactly one {@code anomaly} incident.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AnomalyJobKafkaITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long STEP = 10_000;
    private static final int HISTORY = 1300;
    private static final int LIVE = 150;
    private static final int SPIKE = 60;

    @Test
    void anAnomalyInjectedIntoALiveSeriesRaisesOneAnomalyIncident(EmbeddedKafka kafka) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String metrics = "metrics-anomaly-" + suffix;
        String incidents = "incidents-anomaly-" + suffix;
        kafka.createTopics(List.of(new NewTopic(metrics, 2, (short) 1), new NewTopic(incidents, 2, (short) 1)));

        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        AnomalyJobConfig config = new AnomalyJobConfig(new io.hubwatch.jobs.KafkaSettings(kafka.bootstrapServers()), null, metrics, incidents,
                "anomaly-" + suffix, "tx-anomaly-" + suffix, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofDays(1), Duration.ofDays(1));
        long start = System.currentTimeMillis();
        // sensitivity 0.2 (alarm at likelihood 0.9987) instead of the default 0.5 (0.995, the NAB-tuned level, which
        // on a noisy series also raises about one weak, info-severity incident per thousand samples)
        AnomalyJob.wire(env, config, List.of(new AnomalySettings("latency_*", true, 0.2, 256, 64)));
        JobClient job = env.executeAsync(AnomalyJob.NAME);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            Random r = new Random(1);
            // history: event times before the job started, so they only train the series' model
            long historyStart = start - 60_000 - HISTORY * STEP;
            for (int i = 0; i < HISTORY + LIVE; i++) {
                long t = i < HISTORY ? historyStart + i * STEP : start + 60_000 + (i - HISTORY) * STEP;
                double v = 40 + 8 * Math.sin(2 * Math.PI * i / 60) + r.nextGaussian() + (i == HISTORY + SPIKE ? 45 : 0);
                MetricEvent e = MetricEvent.of(t, "api-1", "latency_ms", v);
                producer.send(new ProducerRecord<>(metrics, e.seriesKey().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(e)));
                // another series, quiet and regular throughout: it must raise nothing
                MetricEvent o = MetricEvent.of(t, "api-2", "latency_ms", 30 + 5 * Math.sin(2 * Math.PI * i / 60) + r.nextGaussian());
                producer.send(new ProducerRecord<>(metrics, o.seriesKey().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(o)));
            }
            producer.flush();
        }
        try {
            List<Incident> seen = readIncidents(kafka, incidents, Duration.ofSeconds(90), 1);
            // a few more checkpoints: nothing else may appear
            Thread.sleep(4000);
            seen = readIncidents(kafka, incidents, Duration.ofSeconds(3), Integer.MAX_VALUE);
            List<Incident> firing = seen.stream().filter(i -> i.status() == IncidentStatus.FIRING).toList();
            assertThat(firing).hasSize(1);
            Incident f = firing.get(0);
            assertThat(f.kind()).isEqualTo(IncidentKind.ANOMALY);
            assertThat(f.labels()).containsEntry("host", "api-1").containsEntry("alertname", "anomaly:latency_ms");
            long spikeTime = start + 60_000 + SPIKE * STEP;
            assertThat(f.startsAt().toEpochMilli()).isBetween(spikeTime, spikeTime + 5 * STEP);
            assertThat(f.value()).isGreaterThan(Double.parseDouble(f.annotations().get("expected_high")));
        } finally {
            job.cancel().get();
        }
    }

    /** Committed incidents on the topic, read from the start until {@code atLeast} firing ones or the timeout. */
    private static List<Incident> readIncidents(EmbeddedKafka kafka, String topic, Duration timeout, int atLeast) {
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.COMMITTED,
                r -> EventJson.read(r.value(), Incident.class),
                read -> read.stream().filter(i -> i.status() == IncidentStatus.FIRING).count() >= atLeast, timeout);
    }
}

package io.hubwatch.jobs.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.internal.MuteIncidents;
import io.hubwatch.jobs.anomaly.AnomalyJob;
import io.hubwatch.jobs.anomaly.AnomalyJobConfig;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.Silence;
import io.hubwatch.storage.Database;
import io.hubwatch.storage.Migrations;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anomaly incidents take the threshold incidents' path through the alert job (as {@code up} runs the two jobs): the
 * anomaly job primes a series from its history, a live spike ten standard deviations out gives one {@code anomaly}
 * incident on the anomaly incidents topic, and the alert job passes it on to the incidents topic and one row in
 * PostgreSQL, both marked by a silence on its labels.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AnomalyIncidentsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final Database DB = Database.defaults()
            .withDatabaseName("hubwatch_it_anomaly_" + UUID.randomUUID().toString().substring(0, 8));

    @BeforeAll
    static void database() throws Exception {
        DB.ensureDatabase();
        try (Connection c = DB.connect()) {
            Migrations.apply(c);
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB.databaseName() + " WITH (FORCE)");
        }
    }

    @Test
    void aPrimedSeriesWithATenSigmaSpikeGivesOneSilencedAnomalyIncidentOnTheTopicAndInPostgres(EmbeddedKafka kafka)
            throws Exception {
        KafkaTopics t = new KafkaTopics(kafka, "anomaly");
        String rules = "alert-rules-" + t.metrics;
        String silences = "alert-silences-" + t.metrics;
        String anomalies = "anomaly-incidents-" + t.metrics;
        kafka.createTopics(List.of(new NewTopic(rules, 1, (short) 1), new NewTopic(silences, 1, (short) 1),
                new NewTopic(anomalies, 2, (short) 1)));
        Instant now = Instant.now();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            Silence s = new Silence("quiet-anom-1", List.of(LabelMatcher.parse("host=\"anom-1\"")),
                    now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), "ops", "maintenance");
            p.send(new ProducerRecord<>(silences, s.id(), EventJson.toJson(s))).get();
        }
        AlertJobConfig config = AlertJobConfig.defaults(kafka.bootstrapServers())
                .withoutInitialRules()   // no rule file: the host metrics (cpu_usage among them) are scored
                .withTopics(t.metrics, t.incidents, t.deadLetters)
                .withControlTopics(rules, silences)
                .withAnomalyIncidentsTopic(anomalies)
                .withGroup("alert-" + t.metrics, "tx-" + t.metrics)
                .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500))
                .withJdbc(DB.jdbcUrl(), DB.user(), DB.password());
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        AlertJob.wire(env, config, AlertJob.loadRules(config));
        JobClient job = env.executeAsync(AlertJob.NAME);
        AnomalyJobConfig anomalyConfig = AnomalyJobConfig.defaults(kafka.bootstrapServers())
                .withTopics(t.metrics, anomalies)
                .withGroup("anomaly-" + t.metrics, "anomaly-tx-" + t.metrics)
                .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500))
                .withPrimeFrom(Duration.ofHours(1));   // what is already in the topic when it starts only trains
        StreamExecutionEnvironment anomalyEnv = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        anomalyEnv.setParallelism(2);
        AnomalyJob.wire(anomalyEnv, anomalyConfig, AnomalyJob.optIn(List.of()));   // the host metrics, cpu_usage among them
        JobClient anomalyJob = anomalyEnv.executeAsync(AnomalyJob.NAME);
        try {
            Random r = new Random(1);
            // 30 minutes of 1 s history in one ordered batch, ending before the wall clock's history horizon
            long historyEnd = now.toEpochMilli() - Duration.ofMinutes(6).toMillis();
            for (long ts = historyEnd - Duration.ofMinutes(30).toMillis(); ts < historyEnd; ts += 1000) {
                send(t, ts, 50 + 2 * r.nextGaussian());
            }
            long live = System.currentTimeMillis();
            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {   // live samples; the 10th is 10 standard deviations out
                send(t, live + i * 1000L, i == 10 ? 50 + 10 * 2 : 50 + 2 * r.nextGaussian());
            }

            List<Incident> incidents = new ArrayList<>();
            for (String json : t.readUntil(t.incidents, v -> v.stream().anyMatch(s -> s.contains("\"firing\"")),
                    Duration.ofSeconds(60))) {
                incidents.add(EventJson.read(json.getBytes(StandardCharsets.UTF_8), Incident.class));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Incident> firing = incidents.stream().filter(i -> i.status() == IncidentStatus.FIRING).toList();
            assertThat(firing).hasSize(1);
            Incident anomaly = firing.get(0);
            assertThat(anomaly.kind()).isEqualTo(IncidentKind.ANOMALY);
            assertThat(anomaly.labels()).containsEntry("host", "anom-1");
            assertThat(anomaly.value()).isEqualTo(70.0);
            // the likelihood averages the last 4 raw scores, so it may cross the alarm level a sample or two later
            assertThat(anomaly.startsAt().toEpochMilli()).isBetween(live + 10_000L, live + 13_000L);
            assertThat(anomaly.annotations()).containsEntry(MuteIncidents.SILENCED_BY, "quiet-anom-1");
            assertThat(seconds).as("seconds from the live samples to the incident on the topic").isLessThan(30);

            Thread.sleep(2_000);   // the JDBC sink flushes every 200 ms
            assertThat(rows()).containsExactly("anomaly:cpu_usage anomaly quiet-anom-1");
        } finally {
            job.cancel().get();
            anomalyJob.cancel().get();
            t.close();
        }
    }

    private static void send(KafkaTopics t, long ts, double value) throws Exception {
        MetricEvent e = MetricEvent.of(ts, "anom-1", "cpu_usage", value);
        t.send(e.seriesKey(), EventJson.toBytes(e));
    }

    private static List<String> rows() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rule_id, kind, silenced_by FROM incidents WHERE labels->>'host' = 'anom-1'")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return out;
    }
}

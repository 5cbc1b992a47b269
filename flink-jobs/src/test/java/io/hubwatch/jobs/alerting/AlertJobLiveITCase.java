package io.hubwatch.jobs.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.rules.RuleFiles;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert job as it runs for real: rules arriving on the {@code alert-rules} topic while it runs, incidents in
 * Kafka and in PostgreSQL, and a kill and restore from a checkpoint.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AlertJobLiveITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Database DB = Database.defaults().withDatabaseName("hubwatch_it_alert_job");

    @BeforeAll
    static void database() throws Exception {
        try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB.databaseName() + " WITH (FORCE)");
        }
        DB.ensureDatabase();
        try (Connection c = DB.connect()) {
            Migrations.apply(c);
        }
    }

    private record Topics(KafkaTopics data, String rules, String silences) {}

    private static Topics topics(EmbeddedKafka kafka, String name) {
        KafkaTopics data = new KafkaTopics(kafka, name);
        String rules = "alert-rules-" + data.metrics;
        String silences = "alert-silences-" + data.metrics;
        kafka.createTopics(List.of(new NewTopic(rules, 1, (short) 1), new NewTopic(silences, 1, (short) 1)));
        return new Topics(data, rules, silences);
    }

    private static AlertJobConfig config(EmbeddedKafka kafka, Topics t) {
        return AlertJobConfig.defaults(kafka.bootstrapServers())
                .withoutInitialRules()
                .withTopics(t.data().metrics, t.data().incidents, t.data().deadLetters)
                .withControlTopics(t.rules(), t.silences())
                .withGroup("alert-" + t.data().metrics, "tx-" + t.data().metrics)
                .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500))
                .withJdbc(DB.jdbcUrl(), DB.user(), DB.password());
    }

    private static JobClient start(AlertJobConfig config, Configuration conf) throws Exception {
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        AlertJob.wire(env, config, AlertJob.loadRules(config));
        JobClient job = env.executeAsync(AlertJob.NAME);
        // measured times start once the job runs: submission takes long on a busy machine
        while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING) {
            Thread.sleep(100);
        }
        return job;
    }

    private static void publishRule(EmbeddedKafka kafka, String topic, String id, String yaml) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            String json = yaml == null ? null : RuleFiles.toJson(RuleFiles.parseRule(yaml, "test"));
            p.send(new ProducerRecord<>(topic, id, json)).get();
        }
    }

    private static List<Incident> incidents(KafkaTopics t, int atLeast, Duration timeout) {
        return t.readUntil(t.incidents, v -> v.size() >= atLeast, timeout).stream()
                .map(v -> EventJson.read(v.getBytes(StandardCharsets.UTF_8), Incident.class)).toList();
    }

    private static List<String> rows(String fingerprintLike) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rule_id, status, labels->>'host' FROM incidents WHERE labels->>'host' = '"
                     + fingerprintLike + "' ORDER BY starts_at")) {
            while (rs.next()) {
                out.add(rs.getString(1) + ":" + rs.getString(2));
            }
        }
        return out;
    }

    /** Live samples of one series, one per 250 ms of wall time, with event time = wall time. */
    private static AutoCloseable feed(KafkaTopics t, String host, AtomicLong value) {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread thread = new Thread(() -> {
            while (running.get()) {
                try {
                    MetricEvent e = MetricEvent.of(System.currentTimeMillis(), host, "cpu_usage", value.get());
                    t.send(e.seriesKey(), EventJson.toBytes(e));
                    Thread.sleep(250);
                } catch (Exception ex) {
                    return;
                }
            }
        }, "feed-" + host);
        thread.start();
        return () -> {
            running.set(false);
            thread.join();
        };
    }

    @Test
    void rulesCreatedChangedAndDeletedAtRunTimeTakeEffectWithoutARestart(EmbeddedKafka kafka) throws Exception {
        Topics t = topics(kafka, "live-rules");
        JobClient job = start(config(kafka, t), new Configuration());
        AtomicLong value = new AtomicLong(60);
        try (AutoCloseable feed = feed(t.data(), "live-1", value)) {
            publishRule(kafka, t.rules(), "hot", "{id: hot, metric: cpu_usage, op: '>', threshold: 50, for: 2s, severity: warning}");
            long created = System.nanoTime();
            assertThat(incidents(t.data(), 1, Duration.ofSeconds(30))).extracting(Incident::status)
                    .containsExactly(IncidentStatus.FIRING);
            double toFire = (System.nanoTime() - created) / 1e9;

            // raised above the value: the next sample no longer breaches, so the episode resolves
            publishRule(kafka, t.rules(), "hot", "{id: hot, metric: cpu_usage, op: '>', threshold: 70, for: 2s, severity: warning}");
            assertThat(incidents(t.data(), 2, Duration.ofSeconds(30))).extracting(Incident::status)
                    .containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);

            // the value climbs past the new threshold: a new episode; then the rule is deleted: it resolves
            value.set(80);
            assertThat(incidents(t.data(), 3, Duration.ofSeconds(30))).hasSize(3);
            publishRule(kafka, t.rules(), "hot", null);
            List<Incident> all = incidents(t.data(), 4, Duration.ofSeconds(30));

            assertThat(all).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED,
                    IncidentStatus.FIRING, IncidentStatus.RESOLVED);
            assertThat(all.get(3).startsAt()).isEqualTo(all.get(2).startsAt());
            assertThat(toFire).as("seconds from publishing the rule to its firing incident").isLessThan(15);
            Thread.sleep(1_000); // the JDBC sink flushes every 200 ms
            assertThat(rows("live-1")).containsExactly("hot:resolved", "hot:resolved");
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aJobKilledMidEpisodeAndRestoredFromItsCheckpointRepeatsAndLosesNothing(EmbeddedKafka kafka, @TempDir Path dir)
            throws Exception {
        Topics t = topics(kafka, "restore");
        publishRule(kafka, t.rules(), "hot", "{id: hot, metric: cpu_usage, op: '>', threshold: 50, for: 30s, severity: warning}");
        AlertJobConfig config = config(kafka, t);
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.dir", dir.toUri().toString());
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        long t0 = (System.currentTimeMillis() / 60_000 - 30) * 60_000;

        JobClient first = start(config, conf);
        for (long s = 0; s < 60_000; s += 10_000) { // breaching for a minute: fires at 30 s
            MetricEvent e = MetricEvent.of(t0 + s, "restore-1", "cpu_usage", 90);
            t.data().send(e.seriesKey(), EventJson.toBytes(e));
        }
        assertThat(incidents(t.data(), 1, Duration.ofSeconds(60))).hasSize(1);
        Thread.sleep(2_000); // a checkpoint or two after the firing
        first.cancel().get(); // the kill: nothing is flushed or committed on the way out
        Path checkpoint = latestCheckpoint(dir);

        Configuration restore = new Configuration(conf);
        restore.setString("execution.state-recovery.path", checkpoint.toUri().toString());
        JobClient second = start(config, restore);
        try {
            for (long s = 60_000; s < 120_000; s += 10_000) { // recovered
                MetricEvent e = MetricEvent.of(t0 + s, "restore-1", "cpu_usage", 20);
                t.data().send(e.seriesKey(), EventJson.toBytes(e));
            }
            incidents(t.data(), 2, Duration.ofSeconds(60));
            Thread.sleep(3_000); // anything repeated would show up by now
            List<Incident> all = incidents(t.data(), Integer.MAX_VALUE, Duration.ofSeconds(3));

            assertThat(all).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
            assertThat(rows("restore-1")).containsExactly("hot:resolved");
        } finally {
            second.cancel().get();
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
}

package io.hubwatch.jobs.stats;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;
import io.hubwatch.storage.Database;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.testing.TopicReader;
import org.apache.flink.api.common.JobStatus;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records that PostgreSQL would refuse, written straight to Kafka (as any producer could, past the gateway): a NUL in a
 * label, a 10 KB label value, a NUL in an endpoint. On a MiniCluster with a real broker and a real database, with no
 * restarts allowed, each becomes a dead letter naming the field, the job keeps running, and the good sample beside
 * them still becomes its rollup row.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BusinessStatsPoisonITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** An hour ago on a minute boundary: inside the job's allowed clock skew whenever the test runs. */
    private static final long T0 = (System.currentTimeMillis() / 60_000 - 60) * 60_000;

    @Test
    void aNulLabelATenKilobyteLabelAndANulEndpointAreDeadLetteredAndTheJobKeepsWriting(EmbeddedKafka kafka) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String apiCalls = "api-calls-" + suffix, webVitals = "web-vitals-" + suffix, metrics = "metrics-" + suffix;
        String deadLetter = "dead-letter-" + suffix;
        kafka.createTopics(List.of(new NewTopic(apiCalls, 1, (short) 1), new NewTopic(webVitals, 1, (short) 1),
                new NewTopic(metrics, 1, (short) 1), new NewTopic(deadLetter, 1, (short) 1)));
        Database db = Database.defaults().withDatabaseName("hubwatch_poison_" + suffix);
        String host = "web-" + suffix;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // the bad records are built as raw JSON: the event types would refuse to write them
            send(producer, metrics, metric(T0 + 1_000, host, "{\"queue\":\"ok\"}", 7));
            send(producer, metrics, metric(T0 + 2_000, host, "{\"queue\":\"a\\u0000b\"}", 1));
            send(producer, metrics, metric(T0 + 3_000, host, "{\"path\":\"" + "x".repeat(10 * 1024) + "\"}", 1));
            send(producer, apiCalls, "{\"timestamp\":" + (T0 + 4_000) + ",\"endpoint\":\"/v1/a\\u0000b\","
                    + "\"method\":\"GET\",\"status\":200,\"latencyMs\":5}");
            // later records on every topic move event time past the first minute, so it closes
            send(producer, metrics, EventJson.toJson(MetricEvent.of(T0 + 120_000, host, "queue_depth", 1)));
            send(producer, apiCalls, EventJson.toJson(new ApiCallEvent(T0 + 120_000, "/v1/b", "GET", 200, 5, null,
                    null, null, 0, 0, 0)));
            send(producer, webVitals, EventJson.toJson(new WebVitalEvent(T0 + 120_000, "/p", "LCP", 5, null, null,
                    null, null)));
        }
        StatsJobConfig config = StatsJobConfig.defaults(kafka.bootstrapServers())
                .withTopics(apiCalls, webVitals, metrics, deadLetter).withGroup("stats-" + suffix)
                .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMillis(500))
                .withDatabase(db.jdbcUrl(), db.user(), db.password()).withMetricTime(MetricTime.WINDOW_END);
        BusinessStatsJob.prepareDatabase(config);
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none"); // one failure would end the job: nothing may fail it
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        BusinessStatsJob.wire(env, config);
        JobClient job = env.executeAsync("stats-poison-" + suffix);
        try {
            List<DeadLetter> letters = readDeadLetters(kafka, deadLetter, 3);
            assertThat(letters).extracting(DeadLetter::reason).hasSize(3)
                    .anySatisfy(r -> assertThat(r).contains("field 'labels.queue' contains a NUL character"))
                    .anySatisfy(r -> assertThat(r).contains("field 'labels.path' is 10240 characters long; the limit is 1024"))
                    .anySatisfy(r -> assertThat(r).contains("field 'endpoint' contains a NUL character"));
            assertThat(letters).allSatisfy(l -> assertThat(l.stage()).isEqualTo("stats-job/parse"));

            assertThat(awaitLastValue(db, host)).isEqualTo(7.0);
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            drop(db);
        }
    }

    private static String metric(long timestamp, String host, String labels, double value) {
        return "{\"timestamp\":" + timestamp + ",\"source\":\"" + host + "\",\"metric\":\"queue_depth\",\"value\":" + value
                + ",\"labels\":" + labels + "}";
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String json) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, null, json.getBytes(StandardCharsets.UTF_8))).get();
    }

    private static List<DeadLetter> readDeadLetters(EmbeddedKafka kafka, String topic, int expected) {
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.UNCOMMITTED,
                r -> EventJson.read(r.value(), DeadLetter.class), read -> read.size() >= expected, Duration.ofSeconds(60));
    }

    private static double awaitLastValue(Database db, String host) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT last FROM metric_minute WHERE host = '" + host
                         + "' AND minute = to_timestamp(" + T0 / 1000 + ")")) {
                if (rs.next()) {
                    return rs.getDouble(1);
                }
            }
            Thread.sleep(300);
        }
        return Double.NaN;
    }

    static void drop(Database db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.withDatabaseName("postgres").jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db.databaseName() + " WITH (FORCE)");
        }
    }
}

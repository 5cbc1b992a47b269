package io.hubwatch.jobs.stats;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;
import io.hubwatch.jobs.alerting.AlertJob;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.storage.Database;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.testing.TopicReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statistics job as {@code flink run} wires it, on real components: API calls, web vitals and metrics from a real
 * Kafka broker, rollups into a real PostgreSQL, published metrics back to Kafka, and the alert job's pipeline on those
 * published metrics firing {@code high_error_rate}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BusinessStatsKafkaITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    /** Event time an hour ago, on a minute boundary: inside the allowed clock skew, whenever the test runs. */
    private static final long T0 = (System.currentTimeMillis() / 60_000 - 60) * 60_000;
    private static final Database DB = Database.defaults().withDatabaseName("hubwatch_stats_it");

    @Test
    void callsFromKafkaBecomeRollupRowsAndPublishedMetricsAndFireHighErrorRate(EmbeddedKafka kafka) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String endpoint = "/v1/chat/completions/" + suffix;
        String page = "/checkout-" + suffix;
        String apiCalls = "api-calls-" + suffix, webVitals = "web-vitals-" + suffix, metrics = "metrics-" + suffix;
        kafka.createTopics(List.of(new NewTopic(apiCalls, 2, (short) 1), new NewTopic(webVitals, 1, (short) 1),
                new NewTopic(metrics, 1, (short) 1), new NewTopic("dead-letter-" + suffix, 1, (short) 1)));
        StatsJobConfig config = StatsJobConfig.defaults(kafka.bootstrapServers())
                .withTopics(apiCalls, webVitals, metrics, "dead-letter-" + suffix)
                .withGroup("stats-" + suffix)
                .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMillis(500))
                .withDatabase(DB.jdbcUrl(), DB.user(), DB.password())
                .withMetricTime(MetricTime.WINDOW_END);
        BusinessStatsJob.prepareDatabase(config);

        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        BusinessStatsJob.Pipeline pipeline = BusinessStatsJob.wire(env, config);
        RuleSet highErrorRate = new RuleSet(List.of(RuleSet.defaults().find("high_error_rate").orElseThrow()));
        CloseableIterator<Incident> incidents = new AlertJob(highErrorRate, Duration.ofSeconds(5))
                .build(pipeline.published()).incidents().executeAndCollect();
        try (incidents; KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<ApiCallEvent> calls = new ArrayList<>(BusinessStatsJobITCase.workload(11, endpoint, 3, 600, 0.06, 300, 0.5)
                    .stream().map(c -> shift(c, T0 - BusinessStatsJobITCase.workload(0, "/", 1, 1, 0, 1, 0).get(0).timestamp()))
                    .toList());
            // every partition gets data up to the end (no partition needs to go idle, so none can be left behind by
            // a watermark that moved on without it), each partition in time order
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(webVitals, 0, null, EventJson.toBytes(
                        new WebVitalEvent(T0 + i * 1_000L, page, "LCP", 1_000 + i * 10, "b-1", null, null, null))));
            }
            MetricEvent cpu = MetricEvent.of(T0 + 5_000, "web-" + suffix, "cpu_usage", 42);
            producer.send(new ProducerRecord<>(metrics, 0, cpu.seriesKey().getBytes(), EventJson.toBytes(cpu)));
            producer.flush();
            for (int i = 0; i < calls.size(); i++) {
                producer.send(new ProducerRecord<>(apiCalls, i % 2, null, EventJson.toBytes(calls.get(i))));
            }
            // later events on every partition move event time past the third minute, so its window closes
            byte[] later = EventJson.toBytes(new ApiCallEvent(T0 + 300_000, endpoint, "GET", 200, 5, null, null, null, 0, 0, 0));
            producer.send(new ProducerRecord<>(apiCalls, 0, null, later));
            producer.send(new ProducerRecord<>(apiCalls, 1, null, later));
            producer.send(new ProducerRecord<>(webVitals, 0, null, EventJson.toBytes(
                    new WebVitalEvent(T0 + 300_000, page + "-later", "LCP", 1, null, null, null, null))));
            MetricEvent laterCpu = MetricEvent.of(T0 + 300_000, "web-" + suffix, "cpu_usage", 1);
            producer.send(new ProducerRecord<>(metrics, 0, laterCpu.seriesKey().getBytes(), EventJson.toBytes(laterCpu)));
            producer.flush();

            Incident firing = CompletableFuture.supplyAsync(incidents::next).get(120, TimeUnit.SECONDS);
            assertThat(firing.status()).isEqualTo(IncidentStatus.FIRING);
            assertThat(firing.ruleId()).isEqualTo("high_error_rate");
            assertThat(firing.labels()).containsEntry("endpoint", endpoint);
            assertThat(firing.startsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 180_000));

            List<double[]> rows = awaitRows("SELECT calls, errors, error_rate, p95_ms FROM api_endpoint_minute WHERE endpoint = '"
                    + endpoint + "' ORDER BY minute", 3);
            assertThat(rows).hasSize(3).allSatisfy(r -> {
                assertThat(r[0]).isEqualTo(600);
                assertThat(r[1]).isEqualTo(36);
                assertThat(r[2]).isEqualTo(6.0);
                assertThat(r[3]).isGreaterThan(300);
            });
            assertThat(awaitRows("SELECT samples, p75 FROM web_vital_minute WHERE page = '" + page + "' AND name = 'LCP'", 1))
                    .singleElement().satisfies(r -> assertThat(r[0]).isEqualTo(30));
            assertThat(awaitRows("SELECT samples, last FROM metric_minute WHERE host = 'web-" + suffix + "'", 1))
                    .singleElement().satisfies(r -> assertThat(r[1]).isEqualTo(42));
            assertThat(awaitRows("SELECT sum(calls) FROM api_model_minute WHERE minute >= to_timestamp(" + T0 / 1000
                    + ") AND minute < to_timestamp(" + (T0 + 180_000) / 1000 + ")", 1).get(0)[0]).isGreaterThanOrEqualTo(1800);

            List<MetricEvent> published = readMetrics(kafka, metrics, endpoint);
            assertThat(published).filteredOn(m -> m.metric().equals("error_rate")).extracting(MetricEvent::value)
                    .containsExactly(6.0, 6.0, 6.0);
            assertThat(published).filteredOn(m -> m.metric().equals("api_response_time")).hasSize(3)
                    .allSatisfy(m -> assertThat(m.source()).isEqualTo("stats-job"));
        }
    }

    private static ApiCallEvent shift(ApiCallEvent c, long by) {
        return new ApiCallEvent(c.timestamp() + by, c.endpoint(), c.method(), c.status(), c.latencyMs(), c.userId(),
                c.sessionId(), c.model(), c.promptTokens(), c.completionTokens(), c.cost());
    }

    private static List<double[]> awaitRows(String sql, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<double[]> rows = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            rows.clear();
            try (Connection c = DB.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    double[] row = new double[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getDouble(i + 1);
                    }
                    rows.add(row);
                }
            }
            if (rows.size() >= expected && (expected != 1 || rows.get(0)[0] > 0)) {
                return rows;
            }
            Thread.sleep(300);
        }
        return rows;
    }

    private static List<MetricEvent> readMetrics(EmbeddedKafka kafka, String topic, String endpoint) {
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.UNCOMMITTED, r -> {
            MetricEvent m = EventJson.parseMetric(r.value());
            return endpoint.equals(m.labels().get("endpoint")) ? m : null;
        }, read -> read.size() >= 6, Duration.ofSeconds(20));
    }
}

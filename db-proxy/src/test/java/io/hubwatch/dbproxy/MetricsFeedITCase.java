package io.hubwatch.dbproxy;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The db_* metrics reach Kafka's metrics topic as metric events that alert rules can watch. */
class MetricsFeedITCase {

    @Test
    void replicaLagAndPoolsArePublishedToTheMetricsTopic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); TestDatabase db = new TestDatabase("dbproxy_feed")) {
            kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
            DbProxyConfig config = db.proxyConfig().withMetricsKafka(kafka.bootstrapServers(), Duration.ofMillis(200));
            try (DbProxy proxy = DbProxy.start(config); Connection c = db.viaProxy(proxy);
                 KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                         ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ConsumerConfig.GROUP_ID_CONFIG, "feed-test",
                         ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                         new StringDeserializer(), new ByteArrayDeserializer())) {
                c.createStatement().execute("SELECT 1");
                consumer.subscribe(List.of(Topics.METRICS));
                List<MetricEvent> seen = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && !(has(seen, "db_replica_lag_seconds") && has(seen, "db_pool_idle_connections")
                        && seen.stream().anyMatch(e -> e.metric().equals("db_replica_up") && e.value() == 1))) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        MetricEvent e = EventJson.parseMetric(r.value());
                        assertThat(r.key()).isEqualTo(e.seriesKey());
                        seen.add(e);
                    }
                }
                assertThat(seen).anySatisfy(e -> {
                    assertThat(e.metric()).isEqualTo("db_replica_lag_seconds");
                    assertThat(e.labels()).containsEntry("replica", TestDatabase.REPLICA.address());
                    assertThat(e.value()).isGreaterThanOrEqualTo(0);
                });
                assertThat(seen).anySatisfy(e -> {
                    assertThat(e.metric()).isEqualTo("db_replica_up");
                    assertThat(e.value()).isEqualTo(1);
                });
                assertThat(seen).anySatisfy(e -> {
                    assertThat(e.metric()).isEqualTo("db_pool_idle_connections");
                    assertThat(e.labels()).containsEntry("role", "primary").containsEntry("database", db.name);
                });
                assertThat(seen).allSatisfy(e -> assertThat(e.source()).startsWith("db-proxy@"));
            }
        }
    }

    private static boolean has(List<MetricEvent> seen, String metric) {
        return seen.stream().anyMatch(e -> e.metric().equals(metric));
    }
}

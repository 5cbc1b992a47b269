package io.hubwatch.dbproxy;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import io.hubwatch.testing.TopicReader;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The db_* metrics reach Kafka's metrics topic as metric events that alert rules can watch. */
class MetricsFeedITCase {

    @Test
    void replicaLagAndPoolsArePublishedToTheMetricsTopic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); TestDatabase db = new TestDatabase("dbproxy_feed")) {
            kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
            DbProxyConfig config = db.proxyConfig().withMetricsKafka(kafka.bootstrapServers(), Duration.ofMillis(200));
            try (DbProxy proxy = DbProxy.start(config); Connection c = db.viaProxy(proxy)) {
                c.createStatement().execute("SELECT 1");
                List<MetricEvent> seen = TopicReader.readUntil(kafka.bootstrapServers(), Topics.METRICS,
                        TopicReader.Isolation.UNCOMMITTED, r -> {
                            MetricEvent e = EventJson.parseMetric(r.value());
                            assertThat(r.key()).isEqualTo(e.seriesKey());
                            return e;
                        }, read -> has(read, "db_replica_lag_seconds") && has(read, "db_pool_idle_connections")
                                && read.stream().anyMatch(e -> e.metric().equals("db_replica_up") && e.value() == 1),
                        Duration.ofSeconds(60));
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

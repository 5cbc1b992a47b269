package io.hubwatch.api;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.storage.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A job that failed is DOWN on {@code /api/v1/health} and on {@code /metrics}, not merely reported. */
@ExtendWith(KafkaBrokerExtension.class)
class HealthApiITCase {
    private static final String TOKEN = "health-token-0123456789abcdef";

    @Test
    void aFailedJobIsDownOnHealthAndMetricsAndARunningOneIsUp(EmbeddedKafka kafka) throws Exception {
        String name = "hubwatch_it_health_" + UUID.randomUUID().toString().substring(0, 8);
        Database db = TestHttp.freshDatabase(name);
        AtomicReference<String> alertJob = new AtomicReference<>("RUNNING");
        AtomicReference<String> statsJob = new AtomicReference<>("RUNNING");
        try (ApiServer api = ApiServer.start(ApiConfig.of(db, kafka.bootstrapServers(), TOKEN).withDefaultRules(false)
                .withJobStatus(alertJob::get).withComponent("stats_job", statsJob::get))) {
            TestHttp http = new TestHttp(api.address(), TOKEN);

            TestHttp.Reply up = http.get("/api/v1/health");
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.json().at("/job/health").asText()).isEqualTo("up");
            assertThat(http.get("/metrics").body()).contains("hubwatch_up 1")
                    .contains("hubwatch_component_up{component=\"stats_job\",health=\"up\"} 1");

            statsJob.set("FAILED");
            TestHttp.Reply down = http.get("/api/v1/health");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().get("status").asText()).isEqualTo("down");
            assertThat(down.json().at("/stats_job/status").asText()).isEqualTo("FAILED");
            assertThat(down.json().at("/stats_job/health").asText()).isEqualTo("down");
            assertThat(http.get("/metrics").body()).contains("hubwatch_up 0")
                    .contains("hubwatch_component_up{component=\"stats_job\",health=\"down\"} 0")
                    .contains("hubwatch_component_up{component=\"job\",health=\"up\"} 1");

            statsJob.set("RUNNING");
            alertJob.set("RESTARTING");
            TestHttp.Reply restarting = http.get("/api/v1/health");
            assertThat(restarting.status()).isEqualTo(503);
            assertThat(restarting.json().get("status").asText()).isEqualTo("degraded");
            assertThat(restarting.json().at("/job/health").asText()).isEqualTo("degraded");
        } finally {
            try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}

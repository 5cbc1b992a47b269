package io.hubwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.storage.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The monitoring API over rollup rows as the statistics job writes them (real PostgreSQL, real Kafka). */
@ExtendWith(KafkaBrokerExtension.class)
class MonitoringApiITCase {
    private static final String TOKEN = "monitoring-token-0123456789abcdef";
    private static final Instant MINUTE = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.MINUTES);

    static ApiServer api;
    static TestHttp http;

    @BeforeAll
    static void start(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        Database db = TestHttp.freshDatabase("hubwatch_it_api_monitoring");
        api = ApiServer.start(ApiConfig.of(db, kafka.bootstrapServers(), TOKEN).withDefaultRules(false)
                .withJobStatus(() -> "RUNNING"));
        http = new TestHttp(api.address(), TOKEN);
        String m0 = "'" + MINUTE.minus(1, ChronoUnit.MINUTES) + "'";
        String m1 = "'" + MINUTE + "'";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO api_endpoint_minute VALUES (" + m0 + ", '/v1/chat', 1000, 20, 2.0, 300, 900, 2000), ("
                    + m1 + ", '/v1/chat', 1000, 70, 7.0, 310, 5200, 9000), (" + m1 + ", '/v1/models', 100, 0, 0, 5, 9, 12)");
            s.execute("INSERT INTO api_model_minute VALUES (" + m0 + ", 'gpt-4o', 600, 60000, 30000, 1.25), ("
                    + m1 + ", 'gpt-4o', 500, 50000, 20000, 1.0)");
            s.execute("INSERT INTO api_activity_minute VALUES (" + m1 + ", 42, 57)");
            s.execute("INSERT INTO web_vital_minute VALUES (" + m1 + ", '/checkout', 'LCP', 30, 2400)");
            s.execute("INSERT INTO metric_minute VALUES (" + m0 + ", 'cpu_usage{host=\"web-1\"}', 'cpu_usage', 'web-1', '{}', 6, 10, 30, 20, 25), ("
                    + m1 + ", 'cpu_usage{host=\"web-1\"}', 'cpu_usage', 'web-1', '{}', 6, 40, 60, 50, 55), ("
                    + m1 + ", 'cpu_usage{host=\"web-2\"}', 'cpu_usage', 'web-2', '{}', 6, 1, 3, 2, 2)");
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void systemSeriesOfOneHostAreAggregatedPerStep() throws Exception {
        TestHttp.Reply reply = http.get("/api/v1/monitoring/system?host=web-1&metric=cpu_usage&from=-10m&step=5m");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode series = reply.json().get("series");
        assertThat(series).hasSize(1);
        assertThat(series.get(0).get("host").asText()).isEqualTo("web-1");
        JsonNode points = series.get(0).get("points");
        int samples = 0;
        for (JsonNode p : points) {
            samples += p.get("samples").asInt();
        }
        assertThat(samples).isEqualTo(12);
        assertThat(reply.json().get("step").asText()).isEqualTo("5m");
    }

    @Test
    void businessSumsCallsErrorsAndCostsOverTheRange() throws Exception {
        TestHttp.Reply reply = http.get("/api/v1/monitoring/business?from=-15m");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode chat = reply.json().get("endpoints").get(0);
        assertThat(chat.get("endpoint").asText()).isEqualTo("/v1/chat");
        assertThat(chat.get("calls").asLong()).isEqualTo(2000);
        assertThat(chat.get("errorRate").asDouble()).isEqualTo(4.5);
        assertThat(chat.get("worstP95Ms").asDouble()).isEqualTo(5200);
        assertThat(chat.get("minutes")).hasSize(2);
        JsonNode model = reply.json().get("models").get(0);
        assertThat(model.get("cost").asDouble()).isEqualTo(2.25);
        assertThat(model.get("promptTokens").asLong()).isEqualTo(110000);
    }

    @Test
    void theDashboardShowsEachEndpointsLatestErrorRateAndP95() throws Exception {
        TestHttp.Reply reply = http.get("/api/v1/monitoring/dashboard");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode chat = reply.json().get("endpoints").get(0);
        assertThat(chat.get("endpoint").asText()).isEqualTo("/v1/chat");
        assertThat(chat.get("errorRate").asDouble()).isEqualTo(7.0);
        assertThat(chat.get("p95Ms").asDouble()).isEqualTo(5200);
        assertThat(reply.json().get("activity").get("activeUsers").asLong()).isEqualTo(42);
        assertThat(reply.json().get("statsJob").get("status").asText()).isEqualTo("up");
    }

    @Test
    void aBadTimeOrStepIsRefusedNamingTheParameter() throws Exception {
        TestHttp.Reply badFrom = http.get("/api/v1/monitoring/system?from=yesterday");
        TestHttp.Reply badStep = http.get("/api/v1/monitoring/system?step=90s");
        TestHttp.Reply noToken = http.send("GET", "/api/v1/monitoring/dashboard", null, null);

        assertThat(badFrom.status()).isEqualTo(400);
        assertThat(badFrom.json().get("field").asText()).isEqualTo("from");
        assertThat(badStep.status()).isEqualTo(400);
        assertThat(badStep.json().get("field").asText()).isEqualTo("step");
        assertThat(noToken.status()).isEqualTo(401);
    }
}

package io.hubwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.storage.Database;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
class IncidentsApiITCase {
    private static final String TOKEN = "incidents-token-0123456789abcdef";
    private static final String INCIDENTS = "/api/v1/alerts/incidents";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    static ApiServer api;
    static TestHttp http;

    @BeforeAll
    static void start(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        Database db = TestHttp.freshDatabase("hubwatch_it_api_incidents");
        api = ApiServer.start(ApiConfig.of(db, kafka.bootstrapServers(), TOKEN).withDefaultRules(false)
                .withJobStatus(() -> "RUNNING").withComponent("ingest", () -> "up"));
        http = new TestHttp(api.address(), TOKEN);
        try (Connection c = db.connect()) {
            // fingerprint, started minutes ago, rule, status, severity, ended minutes ago (null: firing)
            insert(c, "fp-a", 10, "high_cpu_usage", "firing", "warning", null);
            insert(c, "fp-b", 20, "high_cpu_usage", "resolved", "warning", 15);
            insert(c, "fp-c", 30, "disk_space_low", "firing", "critical", null);
            insert(c, "fp-d", 40, "disk_space_low", "resolved", "critical", 35);
            insert(c, "fp-e", 50, "high_error_rate", "resolved", "info", 45);
            insert(c, "fp-old", 60 * 48, "high_cpu_usage", "resolved", "warning", 60 * 47);
        }
    }

    private static void insert(Connection c, String fp, int startedMinutesAgo, String rule, String status, String severity,
                               Integer endedMinutesAgo) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO incidents (fingerprint, starts_at, rule_id, kind, "
                + "status, severity, metric, labels, annotations, value, threshold, ends_at, summary, firing_id) "
                + "VALUES (?, ?, ?, 'threshold', ?, ?, 'cpu_usage', CAST(? AS jsonb), CAST(? AS jsonb), 93.5, 80, ?, ?, ?)")) {
            ps.setString(1, fp);
            ps.setTimestamp(2, Timestamp.from(NOW.minus(Duration.ofMinutes(startedMinutesAgo))));
            ps.setString(3, rule);
            ps.setString(4, status);
            ps.setString(5, severity);
            ps.setString(6, "{\"alertname\":\"" + rule + "\",\"host\":\"web-1\"}");
            ps.setString(7, "{\"summary\":\"it happened\"}");
            ps.setTimestamp(8, endedMinutesAgo == null ? null : Timestamp.from(NOW.minus(Duration.ofMinutes(endedMinutesAgo))));
            ps.setString(9, rule + " on web-1");
            ps.setString(10, "id-" + fp);
            ps.executeUpdate();
        }
    }

    private static List<String> fingerprints(TestHttp.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        reply.json().get("incidents").forEach(i -> out.add(i.get("fingerprint").asText()));
        return out;
    }

    @Test
    void metricsNeedTheTokenAndCountRequestsByRoutePatternBesideTheJvm() throws Exception {
        assertThat(http.send("GET", "/metrics", null, null).status()).isEqualTo(401);
        http.get(INCIDENTS + "?hours=1");
        http.get("/no/such/fp-a");

        TestHttp.Reply metrics = http.get("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("# HELP hubwatch_api_requests_seconds ")
                .contains("jvm_memory_used_bytes{")
                .contains("route=\"/api/v1/alerts/incidents\"")
                // a route pattern or "unmatched", never the raw path: labels stay few whatever clients request
                .contains("route=\"unmatched\"")
                .doesNotContain("fp-a");
    }

    @Test
    void listsTheLastDaysIncidentsNewestFirst() throws Exception {
        assertThat(fingerprints(http.get(INCIDENTS))).containsExactly("fp-a", "fp-b", "fp-c", "fp-d", "fp-e");
    }

    @Test
    void hoursWidensTheWindow() throws Exception {
        assertThat(fingerprints(http.get(INCIDENTS + "?hours=72"))).endsWith("fp-old").hasSize(6);
        assertThat(fingerprints(http.get(INCIDENTS + "?hours=0.5"))).containsExactly("fp-a", "fp-b", "fp-c");
    }

    @Test
    void filtersByStatusSeverityAndRule() throws Exception {
        assertThat(fingerprints(http.get(INCIDENTS + "?status=firing"))).containsExactly("fp-a", "fp-c");
        assertThat(fingerprints(http.get(INCIDENTS + "?severity=critical"))).containsExactly("fp-c", "fp-d");
        assertThat(fingerprints(http.get(INCIDENTS + "?rule=high_cpu_usage&status=resolved"))).containsExactly("fp-b");
    }

    @Test
    void pagesWithLimitAndOffset() throws Exception {
        TestHttp.Reply first = http.get(INCIDENTS + "?limit=2");
        assertThat(fingerprints(first)).containsExactly("fp-a", "fp-b");
        assertThat(first.json().get("nextOffset").asInt()).isEqualTo(2);
        TestHttp.Reply last = http.get(INCIDENTS + "?limit=2&offset=4");
        assertThat(fingerprints(last)).containsExactly("fp-e");
        assertThat(last.json().get("nextOffset").isNull()).isTrue();
    }

    @Test
    void returnsTheIncidentFields() throws Exception {
        JsonNode a = http.get(INCIDENTS + "?limit=1").json().get("incidents").get(0);
        assertThat(a.get("ruleId").asText()).isEqualTo("high_cpu_usage");
        assertThat(a.at("/labels/host").asText()).isEqualTo("web-1");
        assertThat(a.at("/annotations/summary").asText()).isEqualTo("it happened");
        assertThat(a.get("threshold").asDouble()).isEqualTo(80);
        assertThat(a.get("endsAt").isNull()).isTrue();
        assertThat(Instant.parse(a.get("startsAt").asText())).isEqualTo(NOW.minus(Duration.ofMinutes(10)));
    }

    @Test
    void refusesBadFiltersNamingTheParameter() throws Exception {
        for (String[] q : new String[][] {{"hours=-1", "hours"}, {"hours=abc", "hours"}, {"status=open", "status"},
                {"severity=loud", "severity"}, {"limit=0", "limit"}, {"limit=5000", "limit"}, {"offset=-3", "offset"},
                {"sort=asc", "sort"}}) {
            TestHttp.Reply reply = http.get(INCIDENTS + "?" + q[0]);
            assertThat(reply.status()).as(q[0]).isEqualTo(400);
            assertThat(reply.json().get("field").asText()).as(q[0]).isEqualTo(q[1]);
        }
    }

    @Test
    void aRuleFilterWithSqlMetacharactersMatchesNothingAndBreaksNothing() throws Exception {
        assertThat(fingerprints(http.get(INCIDENTS + "?rule=x%27%3B%20DROP%20TABLE%20incidents%3B%20--"))).isEmpty();
        assertThat(fingerprints(http.get(INCIDENTS))).hasSize(5);
    }

    @Test
    void healthReportsKafkaPostgresAndTheJob() throws Exception {
        TestHttp.Reply reply = http.get("/api/v1/health");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("status").asText()).isEqualTo("up");
        assertThat(reply.json().at("/kafka/status").asText()).isEqualTo("up");
        assertThat(reply.json().at("/postgresql/status").asText()).isEqualTo("up");
        assertThat(reply.json().at("/job/status").asText()).isEqualTo("RUNNING");
        assertThat(reply.json().at("/ingest/status").asText()).as("a further component").isEqualTo("up");
    }

    @Test
    void healthNeedsTheTokenToo() throws Exception {
        assertThat(http.send("GET", "/api/v1/health", null, null).status()).isEqualTo(401);
    }

    @Test
    void testNotificationWithoutANotifierIs409WithAClearMessage() throws Exception {
        TestHttp.Reply reply = http.post("/api/v1/alerts/test-notification", "{\"message\":\"hi\",\"channels\":[\"ops\"]}");
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("error").asText()).contains("no notifier is configured");
    }
}

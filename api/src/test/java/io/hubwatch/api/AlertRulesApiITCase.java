package io.hubwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Topics;
import io.hubwatch.storage.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
class AlertRulesApiITCase {
    private static final String TOKEN = "test-token-0123456789abcdef";
    private static final String RULES = "/api/v1/alerts/rules";
    private static final String EVIL = "x'; DROP TABLE rules; --";

    static ApiServer api;
    static TestHttp http;
    static String bootstrap;
    static Database db;

    @BeforeAll
    static void start(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        bootstrap = kafka.bootstrapServers();
        db = TestHttp.freshDatabase("hubwatch_it_api_rules");
        api = ApiServer.start(ApiConfig.of(db, bootstrap, TOKEN).withDefaultRules(false));
        http = new TestHttp(api.address(), TOKEN);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static String rule(String id, double threshold) {
        return "{\"id\":\"" + id + "\",\"metric\":\"cpu_usage\",\"op\":\">\",\"threshold\":" + threshold
                + ",\"for\":\"5m\",\"severity\":\"warning\",\"labels\":{\"team\":\"platform\"}}";
    }

    @Test
    void createReadReplaceAndDeleteARulePublishingEveryChangeAndATombstone() throws Exception {
        TestHttp.Reply created = http.post(RULES, rule("crud_rule", 80));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().at("/rule/threshold").asDouble()).isEqualTo(80);
        assertThat(created.json().get("version").asInt()).isEqualTo(1);

        TestHttp.Reply read = http.get(RULES + "/crud_rule");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().at("/rule/labels/team").asText()).isEqualTo("platform");

        TestHttp.Reply replaced = http.put(RULES + "/crud_rule", rule("crud_rule", 90));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("version").asInt()).isEqualTo(2);
        assertThat(http.get(RULES).json().get("rules")).anySatisfy(r -> {
            assertThat(r.at("/rule/id").asText()).isEqualTo("crud_rule");
            assertThat(r.at("/rule/threshold").asDouble()).isEqualTo(90);
        });

        assertThat(http.delete(RULES + "/crud_rule").status()).isEqualTo(204);
        assertThat(http.get(RULES + "/crud_rule").status()).isEqualTo(404);

        List<String> published = TestHttp.valuesFor(bootstrap, Topics.ALERT_RULES, "crud_rule");
        assertThat(published).hasSize(3);
        assertThat(EventJson.read(published.get(0).getBytes(), JsonNode.class).get("threshold").asDouble()).isEqualTo(80);
        assertThat(EventJson.read(published.get(1).getBytes(), JsonNode.class).get("threshold").asDouble()).isEqualTo(90);
        assertThat(published.get(2)).as("tombstone").isNull();
    }

    @Test
    void putCreatesARuleThatDoesNotExistYetWith201() throws Exception {
        String body = "{\"metric\":\"disk_usage\",\"op\":\">=\",\"threshold\":95,\"severity\":\"critical\"}";
        TestHttp.Reply reply = http.put(RULES + "/put_created", body);
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json().at("/rule/id").asText()).isEqualTo("put_created");
    }

    @Test
    void aDuplicateIdIsRefusedWith409() throws Exception {
        assertThat(http.post(RULES, rule("dup_rule", 80)).status()).isEqualTo(201);
        TestHttp.Reply again = http.post(RULES, rule("dup_rule", 70));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("field").asText()).isEqualTo("id");
        assertThat(http.get(RULES + "/dup_rule").json().at("/rule/threshold").asDouble()).isEqualTo(80);
    }

    @Test
    void anUnknownRuleIdIs404ForGetAndDelete() throws Exception {
        assertThat(http.get(RULES + "/no_such_rule").status()).isEqualTo(404);
        TestHttp.Reply deleted = http.delete(RULES + "/no_such_rule");
        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.json().get("error").asText()).contains("no_such_rule");
    }

    @Test
    void aRequestWithoutATokenIsRefusedWith401() throws Exception {
        TestHttp.Reply reply = http.send("GET", RULES, null, null);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("error").asText()).contains("missing bearer token");
    }

    @Test
    void aRequestWithAWrongTokenIsRefusedWith401AndChangesNothing() throws Exception {
        TestHttp.Reply reply = http.send("POST", RULES, rule("wrong_token_rule", 1), "not-the-token-at-all");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid bearer token");
        assertThat(http.get(RULES + "/wrong_token_rule").status()).isEqualTo(404);
    }

    @Test
    void anInvalidOperatorIsRefusedWith400NamingTheField() throws Exception {
        TestHttp.Reply reply = http.post(RULES, rule("bad_op", 80).replace("\">\"", "\"=>\""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("field").asText()).isEqualTo("op");
        assertThat(reply.json().get("error").asText()).contains("'=>'");
    }

    @Test
    void aNulOrATenKilobyteLabelThatTheJobsWouldRefuseIsRefusedWith400NamingTheLabel() throws Exception {
        TestHttp.Reply nul = http.post(RULES, rule("nul_label", 80).replace("\"platform\"", "\"plat\\u0000form\""));
        TestHttp.Reply huge = http.post(RULES, rule("huge_label", 80).replace("\"platform\"", "\"" + "x".repeat(10 * 1024) + "\""));

        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.body()).contains("labels.team").contains("NUL");
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.body()).contains("field 'labels.team' is 10240 characters long; the limit is 1024");
        assertThat(http.get(RULES + "/nul_label").status()).isEqualTo(404);
    }

    @Test
    void anUnknownFieldIsRefusedWith400NamingIt() throws Exception {
        TestHttp.Reply reply = http.post(RULES, rule("unknown_field", 80).replace("{\"id\"", "{\"treshold\":3,\"id\""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).contains("unknown field 'treshold'");
        assertThat(reply.json().get("field").asText()).isEqualTo("treshold");
    }

    @Test
    void aNegativeDurationIsRefusedWith400() throws Exception {
        TestHttp.Reply reply = http.post(RULES, rule("negative_for", 80).replace("\"5m\"", "\"-5m\""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("field").asText()).isEqualTo("for");
        assertThat(reply.json().get("error").asText()).contains("must not be negative");
    }

    @Test
    void everyBadFieldGetsItsOwnMessage() throws Exception {
        String body = "{\"id\":\"many_bad\",\"metric\":\"cpu usage\",\"op\":\"~\",\"threshold\":\"high\",\"severity\":\"loud\"}";
        TestHttp.Reply reply = http.post(RULES, body);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("problems")).extracting(p -> p.get("field").asText())
                .containsExactlyInAnyOrder("metric", "op", "threshold", "severity");
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        String huge = rule("huge", 80).replace("\"platform\"", "\"" + "p".repeat(70 * 1024) + "\"");
        TestHttp.Reply reply = http.post(RULES, huge);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("error").asText()).contains("larger than 65536 bytes");
        assertThat(http.get(RULES + "/huge").status()).as("the API still answers").isEqualTo(404);
    }

    @Test
    void malformedJsonIsRefusedWith400AndNoStackTrace() throws Exception {
        TestHttp.Reply reply = http.post(RULES, "{\"id\": \"x\", \"metric\": ");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).startsWith("malformed JSON");
        assertThat(reply.body()).doesNotContain("at com.").doesNotContain("at io.").doesNotContain("Exception");
    }

    @Test
    void anUnknownPathIs404AndAWrongMethodIs405() throws Exception {
        assertThat(http.get("/api/v1/alerts/nothing").status()).isEqualTo(404);
        TestHttp.Reply reply = http.send("PATCH", RULES + "/x", "{}", TOKEN);
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.json().get("error").asText()).contains("DELETE, GET, PUT");
    }

    @Test
    void sqlMetacharactersInEveryTextFieldAreStoredLiterally() throws Exception {
        String body = EventJson.toJson(Map.of(
                "id", "sql_text_rule", "metric", "cpu_usage", "op", ">", "threshold", 1, "for", "1m",
                "severity", "info",
                "matchers", List.of("host=\"" + EVIL.replace("'", "'") + "\"", "job=~\"" + EVIL.replace("'", "'") + ".*\""),
                "labels", Map.of("team", EVIL),
                "annotations", Map.of("summary", EVIL, "description", "\"; DELETE FROM rules; \\\\ $$ " + EVIL)));
        TestHttp.Reply created = http.post(RULES, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        JsonNode back = http.get(RULES + "/sql_text_rule").json().get("rule");
        assertThat(back.at("/labels/team").asText()).isEqualTo(EVIL);
        assertThat(back.at("/annotations/summary").asText()).isEqualTo(EVIL);
        assertThat(back.at("/annotations/description").asText()).isEqualTo("\"; DELETE FROM rules; \\\\ $$ " + EVIL);
        assertThat(back.get("matchers").get(0).asText()).isEqualTo("host=\"" + EVIL + "\"");
        assertThat(back.get("matchers").get(1).asText()).isEqualTo("job=~\"" + EVIL + ".*\"");
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'rules'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the rules table is still there").isEqualTo(1);
        }
    }

    @Test
    void sqlMetacharactersInTheIdOrMetricAreRefusedAsInvalidNames() throws Exception {
        TestHttp.Reply badId = http.post(RULES, rule("x", 80).replace("\"id\":\"x\"", "\"id\":\"" + EVIL + "\""));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().get("field").asText()).isEqualTo("id");
        TestHttp.Reply badMetric = http.post(RULES, rule("evil_metric", 80).replace("cpu_usage", EVIL));
        assertThat(badMetric.status()).isEqualTo(400);
        assertThat(badMetric.json().get("field").asText()).isEqualTo("metric");
    }

    @Test
    void aDuplicateJsonKeyIsRefusedAsMalformed() throws Exception {
        TestHttp.Reply reply = http.post(RULES, rule("dup_key", 80).replace("{\"id\"", "{\"op\":\"<\",\"id\""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).startsWith("malformed JSON").contains("Duplicate field 'op'");
    }

    @Test
    void aPathIdWithSqlMetacharactersIsJustAnUnknownId() throws Exception {
        TestHttp.Reply reply = http.get(RULES + "/x'%3B%20DROP%20TABLE%20rules%3B%20--");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("error").asText()).contains("x'; DROP TABLE rules; --");
        assertThat(http.get(RULES).status()).isEqualTo(200);
    }
}

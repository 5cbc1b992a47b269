package io.hubwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Topics;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.Silence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
class SilencesApiITCase {
    private static final String TOKEN = "silence-token-0123456789abcdef";
    private static final String SILENCES = "/api/v1/alerts/silences";
    private static final String EVIL = "x'; DROP TABLE silences; --";

    static ApiServer api;
    static TestHttp http;
    static String bootstrap;

    @BeforeAll
    static void start(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        bootstrap = kafka.bootstrapServers();
        api = ApiServer.start(ApiConfig.of(TestHttp.freshDatabase("hubwatch_it_api_silences"), bootstrap, TOKEN)
                .withDefaultRules(false));
        http = new TestHttp(api.address(), TOKEN);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void createListAndExpireASilencePublishingItAndThenATombstone() throws Exception {
        String body = "{\"matchers\":[\"host=\\\"web-1\\\"\",\"job=~\\\"api.*\\\"\"],\"duration\":\"2h\","
                + "\"createdBy\":\"alice\",\"comment\":\"planned maintenance\"}";
        TestHttp.Reply created = http.post(SILENCES, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("status").asText()).isEqualTo("active");
        assertThat(http.get(SILENCES).json().get("silences")).anySatisfy(s -> assertThat(s.get("id").asText()).isEqualTo(id));

        List<String> published = TestHttp.valuesFor(bootstrap, Topics.ALERT_SILENCES, id);
        assertThat(published).hasSize(1);
        Silence onTopic = EventJson.read(published.get(0).getBytes(), Silence.class);
        assertThat(onTopic.matchers()).containsExactly(LabelMatcher.parse("host=\"web-1\""), LabelMatcher.parse("job=~\"api.*\""));
        assertThat(onTopic.createdBy()).isEqualTo("alice");
        assertThat(Duration.between(onTopic.startsAt(), onTopic.endsAt())).isEqualTo(Duration.ofHours(2));

        TestHttp.Reply expired = http.delete(SILENCES + "/" + id);
        assertThat(expired.status()).isEqualTo(200);
        assertThat(expired.json().get("status").asText()).isEqualTo("expired");
        assertThat(http.get(SILENCES).json().get("silences")).noneSatisfy(s -> assertThat(s.get("id").asText()).isEqualTo(id));
        assertThat(http.get(SILENCES + "?all=true").json().get("silences"))
                .anySatisfy(s -> assertThat(s.get("id").asText()).isEqualTo(id));
        assertThat(TestHttp.valuesFor(bootstrap, Topics.ALERT_SILENCES, id)).hasSize(2).last().isNull();
    }

    @Test
    void aSilenceStartingLaterIsPendingAndEndsAtItsOwnEnd() throws Exception {
        Instant start = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String body = EventJson.toJson(Map.of("matchers", List.of("alertname=high_cpu_usage"),
                "startsAt", start.toString(), "endsAt", start.plus(Duration.ofHours(1)).toString(),
                "createdBy", "bob", "comment", "later"));
        TestHttp.Reply created = http.post(SILENCES, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("status").asText()).isEqualTo("pending");
        assertThat(created.json().get("startsAt").asText()).isEqualTo(start.toString());
    }

    @Test
    void aSilenceWithoutMatchersOrWithABadOneIsRefusedNamingTheField() throws Exception {
        TestHttp.Reply none = http.post(SILENCES, "{\"matchers\":[],\"duration\":\"1h\",\"createdBy\":\"a\",\"comment\":\"c\"}");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("field").asText()).isEqualTo("matchers");
        TestHttp.Reply bad = http.post(SILENCES, "{\"matchers\":[\"host=~\\\"(\\\"\"],\"duration\":\"1h\",\"createdBy\":\"a\",\"comment\":\"c\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("matchers[0]");
        assertThat(bad.json().get("error").asText()).contains("invalid regex");
    }

    @Test
    void aNegativeDurationIsRefusedWith400() throws Exception {
        TestHttp.Reply reply = http.post(SILENCES, "{\"matchers\":[\"host=a\"],\"duration\":\"-1h\",\"createdBy\":\"a\",\"comment\":\"c\"}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("field").asText()).isEqualTo("duration");
        assertThat(reply.json().get("error").asText()).contains("must not be negative");
    }

    @Test
    void anUnknownFieldIsRefusedWith400NamingIt() throws Exception {
        TestHttp.Reply reply = http.post(SILENCES, "{\"matchers\":[\"host=a\"],\"duration\":\"1h\",\"createdBy\":\"a\","
                + "\"comment\":\"c\",\"author\":\"a\"}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("field").asText()).isEqualTo("author");
    }

    @Test
    void sqlMetacharactersInEveryTextFieldAreStoredLiterally() throws Exception {
        String matcher = "host=\"" + EVIL + "\"";
        String body = EventJson.toJson(Map.of("matchers", List.of(matcher), "duration", "1h",
                "createdBy", EVIL, "comment", EVIL + " \\ $$ \" ;"));
        TestHttp.Reply created = http.post(SILENCES, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode back = http.get(SILENCES + "/" + created.json().get("id").asText()).json();
        assertThat(back.get("createdBy").asText()).isEqualTo(EVIL);
        assertThat(back.get("comment").asText()).isEqualTo(EVIL + " \\ $$ \" ;");
        assertThat(back.get("matchers").get(0).asText()).isEqualTo(matcher);
        assertThat(http.get(SILENCES).status()).as("the silences table is still there").isEqualTo(200);
    }

    @Test
    void expiringAnUnknownSilenceIs404() throws Exception {
        assertThat(http.delete(SILENCES + "/s-nope").status()).isEqualTo(404);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        byte[] big = ("{\"comment\":\"" + "c".repeat(100 * 1024) + "\"}").getBytes();
        HttpRequest request = HttpRequest.newBuilder(api.address().resolve(SILENCES))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        HttpResponse<String> reply = TestHttp.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(413);
        assertThat(reply.body()).contains("larger than 65536 bytes");
    }
}

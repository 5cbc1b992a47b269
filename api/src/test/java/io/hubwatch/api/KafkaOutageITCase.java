package io.hubwatch.api;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaOutageITCase {
    private static final String TOKEN = "outage-token-0123456789abcdef";

    private static String rule(String id) {
        return "{\"id\":\"" + id + "\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"severity\":\"info\"}";
    }

    @Test
    void whileKafkaIsDownAChangeIsRefusedWith503AndNotStoredAndAfterwardsChangesWorkAgain(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        try (ApiServer api = ApiServer.start(ApiConfig.of(TestHttp.freshDatabase("hubwatch_it_api_outage"),
                kafka.bootstrapServers(), TOKEN).withDefaultRules(false))) {
            TestHttp http = new TestHttp(api.address(), TOKEN);
            kafka.stopBroker();
            try {
                TestHttp.Reply refused = http.post("/api/v1/alerts/rules", rule("outage_rule"));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.json().get("error").asText()).contains("Kafka").contains("nothing was changed");
                assertThat(http.get("/api/v1/alerts/rules/outage_rule").status()).isEqualTo(404);
                TestHttp.Reply health = http.get("/api/v1/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().at("/kafka/status").asText()).isEqualTo("down");
            } finally {
                kafka.startBroker();
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(http.post("/api/v1/alerts/rules", rule("after_outage")).status()).isEqualTo(201));
            assertThat(TestHttp.valuesFor(kafka.bootstrapServers(), Topics.ALERT_RULES, "after_outage")).hasSize(1);
            assertThat(TestHttp.valuesFor(kafka.bootstrapServers(), Topics.ALERT_RULES, "outage_rule")).isEmpty();
        }
    }
}

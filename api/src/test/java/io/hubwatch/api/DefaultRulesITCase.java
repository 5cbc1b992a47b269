package io.hubwatch.api;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.Topics;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.storage.Database;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
class DefaultRulesITCase {
    private static final String TOKEN = "defaults-token-0123456789abcdef";

    private static List<String> ruleIds(TestHttp http) throws Exception {
        List<String> ids = new ArrayList<>();
        http.get("/api/v1/alerts/rules").json().get("rules").forEach(r -> ids.add(r.at("/rule/id").asText()));
        return ids;
    }

    /** The latest value per key, as a compacted topic's consumer sees it. */
    private static Map<String, String> latest(String bootstrap, String topic) {
        Map<String, String> out = new HashMap<>();
        TestHttp.records(bootstrap, topic).forEach(e -> {
            if (e.getValue() == null) {
                out.remove(e.getKey());
            } else {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    @Test
    void defaultRulesAreLoadedOnTheFirstStartOnlyAndADeletedDefaultStaysDeleted(EmbeddedKafka kafka) throws Exception {
        Database db = TestHttp.freshDatabase("hubwatch_it_api_defaults");
        // topics of this test's own, so the published set can be checked exactly
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        List<String> defaults = RuleSet.defaults().rules().stream().map(r -> r.id()).toList();

        try (ApiServer first = ApiServer.start(ApiConfig.of(db, bootstrap, TOKEN))) {
            TestHttp http = new TestHttp(first.address(), TOKEN);
            assertThat(ruleIds(http)).containsExactlyInAnyOrderElementsOf(defaults);
            assertThat(http.delete("/api/v1/alerts/rules/high_cpu_usage").status()).isEqualTo(204);
        }
        try (ApiServer second = ApiServer.start(ApiConfig.of(db, bootstrap, TOKEN))) {
            TestHttp http = new TestHttp(second.address(), TOKEN);
            assertThat(ruleIds(http)).hasSize(defaults.size() - 1).doesNotContain("high_cpu_usage");
        }
        assertThat(latest(bootstrap, Topics.ALERT_RULES)).doesNotContainKey("high_cpu_usage")
                .containsKeys("critical_cpu_usage", "disk_space_low");
    }

    @Test
    void aStartRepublishesEveryRuleAndTombstonesWhatTheDatabaseNoLongerHas(EmbeddedKafka kafka) throws Exception {
        String topicPrefix = "republish";
        Database db = TestHttp.freshDatabase("hubwatch_it_api_republish");
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopics(List.of(new NewTopic(Topics.ALERT_RULES, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        try (ApiServer api = ApiServer.start(ApiConfig.of(db, bootstrap, TOKEN).withDefaultRules(false))) {
            TestHttp http = new TestHttp(api.address(), TOKEN);
            assertThat(http.post("/api/v1/alerts/rules", "{\"id\":\"" + topicPrefix + "_kept\",\"metric\":\"m\",\"op\":\">\","
                    + "\"threshold\":1,\"severity\":\"info\"}").status()).isEqualTo(201);
        }
        // a rule live on the topic that the database never had (say, a publish whose commit failed)
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", bootstrap), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.ALERT_RULES, topicPrefix + "_stray",
                    "{\"id\":\"" + topicPrefix + "_stray\"}")).get();
        }
        try (ApiServer ignored = ApiServer.start(ApiConfig.of(db, bootstrap, TOKEN).withDefaultRules(false))) {
            Map<String, String> live = latest(bootstrap, Topics.ALERT_RULES);
            assertThat(live).containsKey(topicPrefix + "_kept").doesNotContainKey(topicPrefix + "_stray");
        }
    }

    @Test
    void testNotificationGoesThroughTheConfiguredSender(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        Database db = TestHttp.freshDatabase("hubwatch_it_api_testsend");
        TestNotifications sender = (message, receivers) -> {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            receivers.forEach(r -> out.put(r, r.equals("ops") ? "delivered" : "unknown receiver '" + r + "'"));
            return out;
        };
        try (ApiServer api = ApiServer.start(ApiConfig.of(db, kafka.bootstrapServers(), TOKEN).withDefaultRules(false)
                .withTestNotifications(sender))) {
            TestHttp http = new TestHttp(api.address(), TOKEN);
            TestHttp.Reply reply = http.post("/api/v1/alerts/test-notification", "{\"message\":\"hi\",\"channels\":[\"ops\",\"nope\"]}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().at("/results/ops").asText()).isEqualTo("delivered");
            assertThat(reply.json().at("/results/nope").asText()).contains("unknown receiver");
        }
    }
}

package io.hubwatch.notify.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.hubwatch.notify.support.KafkaIo;
import io.hubwatch.notify.support.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class ReceiverOutageITCase {

    @Test
    void aReceiverDownForThirtySecondsGetsEveryNotificationOnceWhenItIsBack(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "outage");
        try (HttpRecorder receiver = new HttpRecorder()) {
            String yaml = TestConfigs.hubwatch(topics,
                    "{ timeout: 2s, initial_backoff: 500ms, max_backoff: 4s, give_up_after: 2m, max_attempts: 100 }") + """
                    route:
                      receiver: hook
                      group_by: [alertname, host]
                      group_wait: 1s
                      group_interval: 2s
                    receivers:
                      - name: hook
                        webhook_configs: [{ url: '%s' }]
                    """.formatted(receiver.url("/hook"));
            List<Incident> incidents = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                incidents.add(Incidents.firing("cpu_outage", "web-" + i, Instant.now()));
            }
            String metrics;
            try (Notifier notifier = Notifier.start(TestConfigs.parse(yaml), kafka.bootstrapServers())) {
                receiver.stop();
                KafkaIo.publish(kafka, topics[0], incidents);
                Thread.sleep(30_000); // the outage the issue asks for, literally
                assertThat(receiver.requests()).isEmpty();
                receiver.restart();

                await().atMost(Duration.ofSeconds(30)).until(() -> fingerprintsByKey(receiver).size() == 20);
                Thread.sleep(3000); // more than a group interval: late duplicates would show now
                metrics = notifier.scrape();
            }

            Map<String, Set<String>> byKey = fingerprintsByKey(receiver);
            assertThat(byKey.values()).allSatisfy(fps -> assertThat(fps).hasSize(1));
            assertThat(byKey.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
                    .isEqualTo(incidents.stream().map(Incident::fingerprint).collect(Collectors.toSet()));
            assertThat(receiver.requests()).hasSize(20);
            assertThat(metrics).containsPattern("hubwatch_notifier_retried_total\\{integration=\"webhook\\[0]\",receiver=\"hook\"} [1-9]");
        }
    }

    /** Idempotency key to the fingerprints its requests carried. */
    static Map<String, Set<String>> fingerprintsByKey(HttpRecorder receiver) {
        Map<String, Set<String>> out = new HashMap<>();
        for (HttpRecorder.Request r : receiver.requests("/hook")) {
            JsonNode body = EventJson.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
            Set<String> fps = out.computeIfAbsent(r.headers().get("Idempotency-Key"), k -> new java.util.TreeSet<>());
            body.get("alerts").forEach(a -> fps.add(a.get("fingerprint").asText()));
        }
        return out;
    }
}

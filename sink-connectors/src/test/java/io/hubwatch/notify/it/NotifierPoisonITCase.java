package io.hubwatch.notify.it;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.hubwatch.notify.support.KafkaIo;
import io.hubwatch.notify.support.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poison incident (it parses, but a null annotation used to throw in routing and end the consumer thread while
 * {@code /metrics} kept answering) is parked on the dead-letter topic with the reason; the incident behind it is still
 * delivered, and the notifier's {@code /health} stays up.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NotifierPoisonITCase {

    @Test
    void aPoisonIncidentIsDeadLetteredAndTheNextIncidentIsStillDelivered(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "poison");
        try (HttpRecorder receiver = new HttpRecorder()) {
            String yaml = TestConfigs.hubwatch(topics, TestConfigs.FAST_DELIVERY) + """
                    route:
                      receiver: hook
                      group_by: [alertname, host]
                      group_wait: 200ms
                      group_interval: 1s
                    receivers:
                      - name: hook
                        webhook_configs: [{ url: '%s' }]
                    """.formatted(receiver.url("/hook"));
            Incident poison = Incidents.firing("cpu_poison", "web-poison", Instant.now());
            Incident good = Incidents.firing("cpu_poison", "web-good", Instant.now());
            String poisonJson = EventJson.toJson(poison).replace("\"annotations\":{}",
                    "\"annotations\":{\"hubwatch_silenced_by\":null}");
            assertThat(poisonJson).contains("\"hubwatch_silenced_by\":null");

            try (Notifier notifier = Notifier.start(TestConfigs.parse(yaml), kafka.bootstrapServers())) {
                KafkaIo.publishRaw(kafka, topics[0], poisonJson);
                KafkaIo.publish(kafka, topics[0], List.of(good));

                await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.requests("/hook").isEmpty());
                List<DeadLetter> letters = KafkaIo.deadLetters(kafka, topics[1], 1, Duration.ofSeconds(30));
                assertThat(letters).singleElement().satisfies(l -> {
                    assertThat(l.stage()).isEqualTo("notifier/parse");
                    assertThat(l.reason()).isEqualTo("incident annotation 'hubwatch_silenced_by' is null");
                    assertThat(l.payload()).contains("web-poison");
                });
                // at least once: a slow receiver may get a retry, always with the same idempotency key
                assertThat(receiver.requests("/hook")).allSatisfy(r -> assertThat(r.body()).contains("web-good")
                        .doesNotContain("web-poison"));
                assertThat(ReceiverOutageITCase.fingerprintsByKey(receiver)).hasSize(1);

                URI health = URI.create("http://" + notifier.httpAddress().getHostString() + ":"
                        + notifier.httpAddress().getPort() + "/health");
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("\"consumer\":\"up\"").contains("\"restarts\":0");
                assertThat(notifier.scrape()).contains("hubwatch_notifier_consumer_up 1.0");
            }
        }
    }
}

package io.hubwatch.notify.it;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.hubwatch.notify.support.KafkaIo;
import io.hubwatch.notify.support.TestConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A starting notifier takes a made-up incident through its delivery path once, so that the first real alert does not
 * pay for loading it, and sends nothing anywhere while doing so.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NotifierWarmUpITCase {

    @Test
    void theWarmUpReachesNoReceiverAndTheFirstIncidentIsDeliveredOnce(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "warm-up");
        try (HttpRecorder http = new HttpRecorder()) {
            String config = """
                    hubwatch:
                      allow_loopback: true
                      kafka: { incidents_topic: %s, dead_letter_topic: %s, group_id: %s-group }
                      delivery: %s
                    route: { receiver: hook, group_by: [alertname, host], group_wait: 0s, group_interval: 1s }
                    receivers:
                      - name: hook
                        webhook_configs: [{ url: '%s', send_resolved: true }]
                    """.formatted(topics[0], topics[1], topics[0], TestConfigs.FAST_DELIVERY, http.url("/hook"));
            try (Notifier notifier = Notifier.start(TestConfigs.parse(config), kafka.bootstrapServers())) {
                notifier.warmedUp().get(30, TimeUnit.SECONDS);
                assertThat(http.received()).as("requests to the receiver from the warm-up").isZero();
                assertThat(notifier.scrape()).as("the warm-up is not counted as an incident, nor as a delivery")
                        .doesNotContainPattern("(?m)^hubwatch_notifier_incidents_consumed_total(\\{[^}]*})? [1-9]")
                        .doesNotContainPattern("(?m)^hubwatch_notifier_sent_total(\\{[^}]*})? [1-9]");

                Incident firing = Incidents.firing("cpu_warm", "web-1", Instant.now().minusSeconds(5));
                try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer())) {
                    p.send(new ProducerRecord<>(topics[0], firing.fingerprint(), EventJson.toBytes(firing))).get();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> http.requests("/hook").size() == 1);
                assertThat(notifier.scrape()).containsPattern("(?m)^hubwatch_notifier_incidents_consumed_total(\\{[^}]*})? 1\\.0$");
                assertThat(http.requests("/hook").get(0).body()).contains("cpu_warm").doesNotContain("hubwatch_warm_up");
            }
        }
    }
}

package io.hubwatch.notify.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.hubwatch.notify.support.KafkaIo;
import io.hubwatch.notify.support.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A receiver that fails for minutes delays its own notifications only, not other receivers'. */
@ExtendWith(KafkaBrokerExtension.class)
class StuckReceiverITCase {

    @Test
    void manyGroupsForAFailingReceiverDoNotHoldBackAHealthyOne(EmbeddedKafka kafka) throws Exception {
        try (HttpRecorder healthy = new HttpRecorder(); HttpRecorder failing = new HttpRecorder()) {
            failing.respondWith(500);
            String[] topics = KafkaIo.topics(kafka, "stuck");
            // the failing receiver retries for a minute per notification; the others give up fast as usual
            String yaml = TestConfigs.hubwatch(topics, TestConfigs.FAST_DELIVERY) + """
                      receivers:
                        broken: { give_up_after: 60s, max_attempts: 1000, initial_backoff: 200ms, max_backoff: 200ms }
                    route:
                      receiver: ok
                      group_by: [alertname]
                      group_wait: 0s
                      group_interval: 1s
                      repeat_interval: 1h
                      routes:
                        - matchers: ['alertname=~"broken_.*"']
                          receiver: broken
                    receivers:
                      - name: ok
                        webhook_configs: [{ url: '%s' }]
                      - name: broken
                        webhook_configs: [{ url: '%s' }]
                    """.formatted(healthy.url("/ok"), failing.url("/broken"));
            try (Notifier notifier = Notifier.start(TestConfigs.parse(yaml), kafka.bootstrapServers())) {
                List<Incident> broken = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    broken.add(Incidents.firing("broken_" + i, "web-1", Instant.now()));
                }
                KafkaIo.publish(kafka, topics[0], broken);
                // the failing receiver is busy with all its groups before the healthy one's incident arrives
                await().atMost(Duration.ofSeconds(30)).until(() -> failing.received() >= 40);
                KafkaIo.publish(kafka, topics[0], List.of(Incidents.firing("fine_rule", "web-2", Instant.now())));
                await().atMost(Duration.ofSeconds(15)).untilAsserted(
                        () -> assertThat(healthy.requests("/ok")).as("the healthy receiver's notification").hasSize(1));
            }
        }
    }
}

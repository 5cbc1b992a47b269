package io.hubwatch.notify.it;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.NotifierOptions;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.hubwatch.notify.support.KafkaIo;
import io.hubwatch.notify.support.TestConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A notifier that delivered a notification but died before committing its incidents reads them again after a
 * restart. With a state directory it recognises the notification it already sent and does not send it a second time
 * (Slack and e-mail cannot drop repeats by idempotency key). The uncommitted state is made exactly by moving the
 * group's offsets back to the start.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NotifierStateDirITCase {

    @Test
    void aNotificationDeliveredBeforeARestartIsNotSentAgainWhenItsIncidentsAreReadAgain(EmbeddedKafka kafka,
                                                                                      @TempDir Path dir) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "state");
        try (HttpRecorder receiver = new HttpRecorder()) {
            String yaml = TestConfigs.hubwatch(topics, TestConfigs.FAST_DELIVERY) + """
                    route:
                      receiver: hook
                      group_by: [alertname]
                      group_wait: 200ms
                      group_interval: 1h
                    receivers:
                      - name: hook
                        webhook_configs: [{ url: '%s' }]
                    """.formatted(receiver.url("/hook"));
            NotifierOptions options = NotifierOptions.defaults().withStateDir(dir.resolve("notifier"));
            Incident firing = Incidents.firing("cpu_state", "web-1", Instant.now());
            KafkaIo.publish(kafka, topics[0], List.of(firing));

            try (Notifier first = Notifier.start(TestConfigs.parse(yaml), kafka.bootstrapServers(), options)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> first.scrape().contains("hubwatch_notifier_sent_total"));
            }
            int beforeRestart = receiver.requests("/hook").size();
            assertThat(java.nio.file.Files.readAllLines(dir.resolve("notifier").resolve("sent.log")))
                    .singleElement().asString().startsWith("hook/webhook[0] ");
            rewindGroup(kafka, topics[0] + "-group", topics[0]);

            try (Notifier restarted = Notifier.start(TestConfigs.parse(yaml), kafka.bootstrapServers(), options)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!restarted.scrape().contains("hubwatch_notifier_resends_skipped_total 1.0")
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(1_000); // well past group_wait: a second send would be here by now
                assertThat(restarted.scrape()).contains("hubwatch_notifier_resends_skipped_total 1.0");
            }
            assertThat(receiver.requests("/hook")).hasSize(beforeRestart);
        }
    }

    private static void rewindGroup(EmbeddedKafka kafka, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(0))).all().get();
        }
    }
}

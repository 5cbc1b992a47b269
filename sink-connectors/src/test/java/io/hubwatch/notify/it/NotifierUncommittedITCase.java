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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notifier reads incidents as the job writes them, before the job's checkpoint commits their transaction, and
 * drops what a job restored from that checkpoint writes again (same incident ids). Real Kafka, a transactional
 * producer playing the job's exactly-once sink.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NotifierUncommittedITCase {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static HttpRecorder http;

    @BeforeAll
    static void server() {
        http = new HttpRecorder();
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    private static String config(String[] topics, String isolation) {
        return """
                hubwatch:
                  allow_loopback: true
                  kafka: { incidents_topic: %s, dead_letter_topic: %s, group_id: %s-group%s }
                  delivery: %s
                route: { receiver: hook, group_by: [alertname, host], group_wait: 0s, group_interval: 1s }
                receivers:
                  - name: hook
                    webhook_configs: [{ url: '%s', send_resolved: true }]
                """.formatted(topics[0], topics[1], topics[0],
                isolation == null ? "" : ", isolation_level: " + isolation, TestConfigs.FAST_DELIVERY,
                http.url("/" + topics[0]));
    }

    private static List<String> statuses(String[] topics) {
        List<String> out = new ArrayList<>();
        for (HttpRecorder.Request r : http.requests("/" + topics[0])) {
            JsonNode body = EventJson.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
            body.get("alerts").forEach(a -> out.add(a.get("labels").get("host").asText() + ":" + a.get("status").asText()));
        }
        return out;
    }

    private static KafkaProducer<String, byte[]> transactional(EmbeddedKafka kafka) {
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "job-" + UUID.randomUUID()),
                new StringSerializer(), new ByteArraySerializer());
        p.initTransactions();
        return p;
    }

    private static void send(KafkaProducer<String, byte[]> p, String topic, Incident i) {
        // one partition: what a test writes later is read later
        p.send(new ProducerRecord<>(topic, 0, i.fingerprint(), EventJson.toBytes(i)));
        p.flush();
    }

    @Test
    void anIncidentIsSentBeforeItsTransactionCommits(EmbeddedKafka kafka) {
        String[] topics = KafkaIo.topics(kafka, "uncommitted");
        Incident firing = Incidents.firing("cpu_fast", "web-1", Instant.now().minusSeconds(5));
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, null)), kafka.bootstrapServers());
             KafkaProducer<String, byte[]> job = transactional(kafka)) {
            job.beginTransaction();
            send(job, topics[0], firing);

            // the transaction stays open: only a read_uncommitted reader can see the incident now
            await().atMost(WITHIN).until(() -> statuses(topics).equals(List.of("web-1:firing")));
            job.commitTransaction();
        }
    }

    @Test
    void readCommittedWaitsForTheCommit(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "committed");
        Incident firing = Incidents.firing("cpu_slow", "web-1", Instant.now().minusSeconds(5));
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "read_committed")), kafka.bootstrapServers());
             KafkaProducer<String, byte[]> job = transactional(kafka)) {
            // a committed incident first: once it is sent, the notifier is reading the topic
            KafkaIo.publish(kafka, topics[0], List.of(Incidents.firing("cpu_slow", "web-0", Instant.now().minusSeconds(5))));
            await().atMost(WITHIN).until(() -> statuses(topics).contains("web-0:firing"));
            job.beginTransaction();
            send(job, topics[0], firing);
            Thread.sleep(2_000); // asserting an absence: there is no event to wait for
            assertThat(statuses(topics)).doesNotContain("web-1:firing");

            job.commitTransaction();
            await().atMost(WITHIN).until(() -> statuses(topics).contains("web-1:firing"));
        }
    }

    @Test
    void whatARestoredJobWritesAgainIsNotSentTwice(EmbeddedKafka kafka) {
        String[] topics = KafkaIo.topics(kafka, "replayed");
        Incident firing = Incidents.firing("cpu_replay", "web-1", Instant.now().minusSeconds(60));
        Incident resolved = Incidents.resolved(firing, Instant.now().minusSeconds(30));
        Incident other = Incidents.firing("cpu_replay", "web-2", Instant.now().minusSeconds(60));
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, null)), kafka.bootstrapServers())) {
            // the job writes a firing and its resolution, then dies before its checkpoint: the transaction aborts
            try (KafkaProducer<String, byte[]> job = transactional(kafka)) {
                job.beginTransaction();
                send(job, topics[0], firing);
                await().atMost(WITHIN).until(() -> statuses(topics).contains("web-1:firing"));
                send(job, topics[0], resolved);
                await().atMost(WITHIN).until(() -> statuses(topics).contains("web-1:resolved"));
                job.abortTransaction();
            }
            // restored from its checkpoint, it writes the same incidents again, then one that is new, and commits
            try (KafkaProducer<String, byte[]> restored = transactional(kafka)) {
                restored.beginTransaction();
                send(restored, topics[0], firing);
                send(restored, topics[0], resolved);
                send(restored, topics[0], other);
                restored.commitTransaction();
            }
            // once the new incident is sent, the repeats before it in the same transaction have been read; nothing
            // more may arrive for two group intervals
            await().atMost(WITHIN).until(() -> statuses(topics).contains("web-2:firing"));
            await().during(Duration.ofSeconds(2)).atMost(WITHIN).until(() -> statuses(topics).size() == 3);
        }

        assertThat(statuses(topics)).containsExactlyInAnyOrder("web-1:firing", "web-1:resolved", "web-2:firing");
    }
}

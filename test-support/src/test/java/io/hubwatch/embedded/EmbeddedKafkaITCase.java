package io.hubwatch.embedded;

import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.testing.ListeningSockets;
import io.hubwatch.testing.TopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
class EmbeddedKafkaITCase {

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(EmbeddedKafka kafka, String topic, int expected) {
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.UNCOMMITTED, TopicReader::text,
                read -> read.size() >= expected, Duration.ofSeconds(30));
    }

    /**
     * A topic is served when createTopics returns: a producer that does not retry writes to every partition at once.
     * Without the wait, a request could reach the broker before it applied the new topic (NOT_LEADER_OR_FOLLOWER), and
     * an idempotent producer's retry then collided with its next request (KAFKA-15591; the ingest gateway answered 503).
     */
    @Test
    void aNewTopicIsServedAsSoonAsItIsCreated(EmbeddedKafka kafka) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer())) {
            for (int t = 0; t < 10; t++) {
                String topic = "served-" + t + "-" + System.nanoTime();
                kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 4, (short) 1)));
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, p, "k", "v")));
                }
                for (java.util.concurrent.Future<?> f : sent) {
                    f.get(10, TimeUnit.SECONDS); // fails with NOT_LEADER_OR_FOLLOWER if the broker did not serve it yet
                }
            }
        }
    }

    @Test
    void aRecordWrittenIsReadBack(EmbeddedKafka kafka) throws Exception {
        try (var producer = producer(kafka)) {
            producer.send(new ProducerRecord<>("embedded-roundtrip", "k", "hello")).get();
        }
        assertThat(readAll(kafka, "embedded-roundtrip", 1)).containsExactly("hello");
    }

    @Test
    void theBrokerComesBackOnTheSameAddressWithItsData(EmbeddedKafka kafka) throws Exception {
        String before = kafka.bootstrapServers();
        try (var producer = producer(kafka)) {
            producer.send(new ProducerRecord<>("embedded-restart", "k", "before")).get();
            kafka.stopBroker();
            kafka.startBroker();
            producer.send(new ProducerRecord<>("embedded-restart", "k", "after")).get(60, TimeUnit.SECONDS);
        }
        assertThat(kafka.bootstrapServers()).isEqualTo(before);
        assertThat(readAll(kafka, "embedded-restart", 2)).containsExactly("before", "after");
    }

    @Test
    void theBrokerAndItsControllerListenOnLoopbackOnly(EmbeddedKafka kafka) throws Exception {
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        List<InetSocketAddress> listening = ListeningSockets.ofThisProcess();
        assertThat(listening).as("broker and controller").hasSizeGreaterThanOrEqualTo(2)
                .allMatch(ListeningSockets::isLoopbackOnly, "bound to 127.0.0.1, not a wildcard or a public address");
    }

    @Test
    void aDurableBrokerKeepsItsDataAndAddressAcrossAStop(@TempDir Path home) throws Exception {
        String address;
        try (EmbeddedKafka first = EmbeddedKafka.start(EmbeddedKafka.Options.durable(home.resolve("kafka")));
             var producer = producer(first)) {
            address = first.bootstrapServers();
            producer.send(new ProducerRecord<>("embedded-durable", "k", "kept")).get();
        }
        try (EmbeddedKafka second = EmbeddedKafka.start(EmbeddedKafka.Options.durable(home.resolve("kafka")))) {
            assertThat(second.bootstrapServers()).isEqualTo(address);
            assertThat(readAll(second, "embedded-durable", 1)).containsExactly("kept");
        }
    }

    @Test
    void aTemporaryBrokerLeavesNothingBehind() {
        Path dir;
        try (EmbeddedKafka temporary = EmbeddedKafka.start()) {
            dir = temporary.dataDirectory();
            assertThat(dir).isDirectory();
        }
        assertThat(dir).doesNotExist();
    }
}

package io.hubwatch.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker {@code up} and every Kafka test run on: on loopback by default, records kept where asked to be kept and
 * nowhere else, the same address across a restart, topics created once.
 */
class EmbeddedKafkaITCase {

    @Test
    void aTemporaryBrokerServesOnLoopbackAndLeavesNothingBehind() throws Exception {
        Path data;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            data = kafka.dataDirectory();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            kafka.createTopics(List.of(new NewTopic("t", 1, (short) 1)));
            send(kafka.bootstrapServers(), "t", "one");
            assertThat(readAll(kafka.bootstrapServers(), "t", 1)).containsExactly("one");
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void theTransactionWarmUpLeavesNoTopicBehindAndCanRunAgain() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.warmUpTransactions();
            kafka.warmUpTransactions(); // a restarted up warms up again, on a broker that did it before
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).doesNotContain(EmbeddedKafka.WARM_UP_TOPIC);
            }
        }
    }

    @Test
    void aDurableBrokerKeepsItsRecordsAndItsAddressAcrossARestart(@TempDir Path dir) throws Exception {
        String address;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.durable(dir.resolve("kafka")))) {
            address = kafka.bootstrapServers();
            kafka.createTopics(List.of(new NewTopic("t", 1, (short) 1)));
            send(address, "t", "kept");
        }
        assertThat(dir.resolve("kafka")).isDirectory();
        try (EmbeddedKafka again = EmbeddedKafka.start(EmbeddedKafka.Options.durable(dir.resolve("kafka")))) {
            assertThat(again.bootstrapServers()).as("the port used last time, still free").isEqualTo(address);
            send(address, "t", "after");
            assertThat(readAll(address, "t", 2)).containsExactly("kept", "after");
        }
    }

    @Test
    void aStoppedBrokerComesBackOnTheSameAddressWithItsData() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of(new NewTopic("t", 1, (short) 1)));
            send(kafka.bootstrapServers(), "t", "before");
            kafka.stopBroker();
            kafka.startBroker();
            send(kafka.bootstrapServers(), "t", "after");
            assertThat(readAll(kafka.bootstrapServers(), "t", 2)).containsExactly("before", "after");
        }
    }

    @Test
    void creatingTopicsAgainLeavesThemAsTheyAreAndTheControlTopicsAreCompacted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            kafka.createTopics(EmbeddedKafka.hubwatchTopics(2));
            kafka.createTopics(EmbeddedKafka.hubwatchTopics(4)); // exists: no error, no change
            assertThat(admin.listTopics().names().get()).contains("metrics", "incidents", "anomaly-incidents",
                    "dead-letter", "api-calls", "web-vitals", "alert-rules", "alert-silences");
            assertThat(admin.describeTopics(Set.of("metrics")).allTopicNames().get().get("metrics").partitions())
                    .hasSize(2);
            ConfigResource rules = new ConfigResource(ConfigResource.Type.TOPIC, "alert-rules");
            assertThat(admin.describeConfigs(Set.of(rules)).all().get().get(rules)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void optionsNameTheBadValue() {
        assertThatThrownBy(() -> EmbeddedKafka.Options.temporary().withAddress("127.0.0.1", 70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
        assertThatThrownBy(() -> EmbeddedKafka.Options.temporary().withAddress(" ", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bind address");
    }

    @Test
    void aBrokerThatCannotStartSaysSoAndLeavesNoTemporaryDirectory(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafka.Options.durable(notADirectory)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("could not start the embedded Kafka broker");
    }

    private static void send(String bootstrap, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get();
        }
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}

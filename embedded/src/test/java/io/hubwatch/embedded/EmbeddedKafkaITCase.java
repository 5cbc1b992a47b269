package io.hubwatch.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "t-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            return values;
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
}

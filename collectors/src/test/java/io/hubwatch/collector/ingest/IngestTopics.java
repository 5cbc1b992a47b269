package io.hubwatch.collector.ingest;

import io.hubwatch.embedded.EmbeddedKafka;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** A test's own gateway topics on the shared broker, and a reader for them. */
final class IngestTopics {
    final String apiCalls;
    final String webVitals;
    final String metrics;
    final String deadLetter;
    private final EmbeddedKafka kafka;

    IngestTopics(EmbeddedKafka kafka) {
        this.kafka = kafka;
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        apiCalls = "api-calls-" + suffix;
        webVitals = "web-vitals-" + suffix;
        metrics = "metrics-" + suffix;
        deadLetter = "dead-letter-" + suffix;
        kafka.createTopics(List.of(new NewTopic(apiCalls, 2, (short) 1), new NewTopic(webVitals, 1, (short) 1),
                new NewTopic(metrics, 1, (short) 1), new NewTopic(deadLetter, 1, (short) 1)));
    }

    IngestConfig config(Map<String, String> keys) {
        return IngestConfig.of(kafka.bootstrapServers(), keys).withTopics(apiCalls, webVitals, metrics, deadLetter);
    }

    /** Values read from the start of {@code topic} until {@code done} accepts them or the timeout passes. */
    List<String> readUntil(String topic, Predicate<List<String>> done, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(values) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            return values;
        }
    }
}

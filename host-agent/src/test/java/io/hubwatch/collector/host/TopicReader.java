package io.hubwatch.collector.host;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.InvalidEventException;
import io.hubwatch.events.MetricEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads a topic from the start, as the downstream jobs would, until the records satisfy a condition or time runs out. */
final class TopicReader {
    /** One record: its key and the event parsed (and validated) from its value. */
    record Keyed(String key, MetricEvent event) {}

    private TopicReader() {}

    static List<Keyed> readUntil(EmbeddedKafka kafka, String topic, Predicate<List<Keyed>> done, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "agent-test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<Keyed> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        records.add(new Keyed(record.key(), EventJson.parseMetric(record.value())));
                    } catch (InvalidEventException e) {
                        throw new AssertionError("the agent published an invalid event: " + e.getMessage(), e);
                    }
                }
            }
            return records;
        }
    }
}

package io.hubwatch.jobs.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/** A test's own metrics, incidents and dead-letter topics on the shared broker, with a producer and readers. */
final class KafkaTopics implements AutoCloseable {
    final String metrics;
    final String incidents;
    final String deadLetters;
    private final EmbeddedKafka kafka;
    private final KafkaProducer<byte[], byte[]> producer;

    KafkaTopics(EmbeddedKafka kafka, String name) {
        this.kafka = kafka;
        String suffix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        metrics = "metrics-" + suffix;
        incidents = "incidents-" + suffix;
        deadLetters = "dead-letter-" + suffix;
        kafka.createTopics(List.of(new NewTopic(metrics, 2, (short) 1), new NewTopic(incidents, 2, (short) 1),
                new NewTopic(deadLetters, 1, (short) 1)));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send(String key, byte[] value) throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(metrics, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    void send(String key, String value) throws ExecutionException, InterruptedException {
        send(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads {@code topic} from the start, committed records only, until {@code done} accepts what was read or the
     * timeout passes; returns the values read.
     */
    List<String> readUntil(String topic, Predicate<List<String>> done, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
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

    /**
     * Everything committed to {@code topic} at the time of the call: reads each partition from its start up to its
     * last stable offset (what a {@code read_committed} reader can see now), however long the reads take on a busy
     * machine. A read with a fixed time budget instead can come back empty while the consumer is still connecting.
     */
    List<String> readCommitted(String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its committed end " + end + " within "
                            + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            return values;
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

package io.hubwatch.jobs.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.TopicReader;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.COMMITTED, TopicReader::text,
                done, timeout);
    }

    /** Everything committed to {@code topic} at the time of the call ({@link TopicReader#readToEnd}). */
    List<String> readCommitted(String topic, Duration timeout) {
        return TopicReader.readToEnd(kafka.bootstrapServers(), topic, TopicReader::text, timeout);
    }

    @Override
    public void close() {
        producer.close();
    }
}

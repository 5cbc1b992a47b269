package io.hubwatch.testing;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads a topic for a test's assertions the way a downstream consumer would: from the start, in a consumer group of its
 * own, keys as text and values as bytes, each record turned into what the test compares by a {@link RecordReader}.
 *
 * <pre>{@code
 * // until two incidents are read, or 30 s have passed; only what the exactly-once sink committed
 * List<Incident> incidents = TopicReader.readUntil(kafka.bootstrapServers(), "incidents", Isolation.COMMITTED,
 *         r -> EventJson.read(r.value(), Incident.class), read -> read.size() >= 2, Duration.ofSeconds(30));
 * // everything committed at the time of the call
 * List<String> all = TopicReader.readToEnd(kafka.bootstrapServers(), "incidents", TopicReader::text, timeout);
 * }</pre>
 */
public final class TopicReader {
    private static final Duration POLL = Duration.ofMillis(200);

    private TopicReader() {}

    /** Which records a reader sees of a topic written in transactions. */
    public enum Isolation {
        /** Only records of committed transactions ({@code read_committed}), as the jobs' subscribers read. */
        COMMITTED("read_committed"),
        /** Every record written, Kafka's default ({@code read_uncommitted}). */
        UNCOMMITTED("read_uncommitted");

        private final String config;

        Isolation(String config) {
            this.config = config;
        }
    }

    /** Turns one record into what the test compares; null leaves the record out. May throw, failing the read. */
    @FunctionalInterface
    public interface RecordReader<T> {
        T read(ConsumerRecord<String, byte[]> record) throws Exception;
    }

    /** The record's value as UTF-8 text. */
    public static String text(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code topic} from its start until {@code done} accepts what was read or {@code timeout} passes; returns what
     * was read either way, so that the test's assertion says what is missing.
     */
    public static <T> List<T> readUntil(String bootstrap, String topic, Isolation isolation, RecordReader<T> reader,
                                        Predicate<List<T>> done, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, isolation)) {
            consumer.subscribe(List.of(topic));
            List<T> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(read) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    add(read, reader, r);
                }
            }
            return read;
        }
    }

    /**
     * Everything committed to {@code topic} at the time of the call: each partition from its start up to its last
     * stable offset (what a {@code read_committed} reader can see now), however long that takes within
     * {@code timeout}. A read with a fixed time budget instead can come back empty while the consumer is still
     * connecting.
     *
     * @throws AssertionError if the end is not reached within {@code timeout}
     */
    public static <T> List<T> readToEnd(String bootstrap, String topic, RecordReader<T> reader, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, Isolation.COMMITTED)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<T> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its committed end " + end + " within "
                            + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    add(read, reader, r);
                }
            }
            return read;
        }
    }

    private static <T> void add(List<T> read, RecordReader<T> reader, ConsumerRecord<String, byte[]> record) {
        T value;
        try {
            value = reader.read(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("could not read the record at " + record.topic() + "/" + record.partition() + "@"
                    + record.offset() + ": " + e.getMessage(), e);
        }
        if (value != null) {
            read.add(value);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, Isolation isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.config);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}

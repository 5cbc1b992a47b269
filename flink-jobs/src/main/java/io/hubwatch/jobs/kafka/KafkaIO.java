package io.hubwatch.jobs.kafka;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.Incident;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.Properties;

/**
 * The Kafka sources and sinks of Hubwatch's Flink jobs, built one way for all of them. Each factory takes the bootstrap
 * servers and a {@link Properties} of extra client settings (security, timeouts: whatever the job's
 * {@code --kafka-property k=v} options carry), applied to every client it builds, after the defaults here.
 *
 * <pre>{@code
 * Properties extra = new Properties();            // e.g. security.protocol=SSL
 * KafkaSource<Ingested> in = KafkaIO.source("kafka:9092", extra, "metrics", "alert-job", deserializer);
 * incidents.sinkTo(KafkaIO.incidentsSink("kafka:9092", extra, "incidents", "alert-job"));
 * refused.sinkTo(KafkaIO.deadLetterSink("kafka:9092", extra, "dead-letter"));
 * }</pre>
 */
public final class KafkaIO {
    /** Above the broker's default maximum (15 min) the exactly-once sink loops on "transaction timeout too large". */
    private static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaIO() {}

    /**
     * A source from the group's committed offsets (the earliest for a new group), checking for new partitions every
     * 30 s.
     */
    public static <T> KafkaSource<T> source(String bootstrapServers, Properties extra, String topic, String groupId,
                                            KafkaRecordDeserializationSchema<T> deserializer) {
        return source(bootstrapServers, extra, java.util.List.of(topic), groupId,
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST), deserializer);
    }

    /**
     * A source over one or more topics, starting where {@code start} says when the group has no committed offsets
     * and the job no checkpoint, checking for new partitions every 30 s.
     */
    public static <T> KafkaSource<T> source(String bootstrapServers, Properties extra, java.util.List<String> topics,
                                            String groupId, OffsetsInitializer start,
                                            KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topics)
                .setGroupId(groupId)
                .setStartingOffsets(start)
                .setDeserializer(deserializer)
                .setProperty("partition.discovery.interval.ms", "30000")
                .setProperties(copy(extra))
                .build();
    }

    /**
     * {@link #source}, reading only what committed transactions wrote: for a topic another job writes exactly once,
     * whose aborted attempts (a restore from a checkpoint writes them again) must not be read twice.
     */
    public static <T> KafkaSource<T> committedSource(String bootstrapServers, Properties extra, String topic,
                                                     String groupId, KafkaRecordDeserializationSchema<T> deserializer) {
        return committedSource(bootstrapServers, extra, topic, groupId,
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST), deserializer);
    }

    /** {@link #committedSource}, starting where {@code start} says (see {@link #source(String, Properties, java.util.List, String, OffsetsInitializer, KafkaRecordDeserializationSchema)}). */
    public static <T> KafkaSource<T> committedSource(String bootstrapServers, Properties extra, String topic,
                                                     String groupId, OffsetsInitializer start,
                                                     KafkaRecordDeserializationSchema<T> deserializer) {
        return source(bootstrapServers, withDefault(extra, "isolation.level", "read_committed"), java.util.List.of(topic),
                groupId, start, deserializer);
    }

    /**
     * Incidents, exactly once: written in a Kafka transaction per checkpoint, visible to {@code read_committed} readers
     * when the checkpoint completes. Keyed by fingerprint, so each alert's messages stay in order.
     */
    public static KafkaSink<Incident> incidentsSink(String bootstrapServers, Properties extra, String topic,
                                                    String transactionalIdPrefix) {
        // linger 0: an incident is sent to the broker at once (the notifier reads it uncommitted); incidents are few,
        // so batching them buys nothing. Kafka 4's default is 5 ms.
        return exactlyOnce(bootstrapServers, withDefault(extra, "linger.ms", "0"), KafkaRecords.incidents(topic),
                transactionalIdPrefix);
    }

    /**
     * Any records, exactly once. The schema must name its topic (the builder's does): the POOLING transaction naming,
     * which reuses transactional ids instead of creating new ones on the broker, needs it.
     */
    public static <T> KafkaSink<T> exactlyOnce(String bootstrapServers, Properties extra,
                                               KafkaRecordSerializationSchema<T> schema, String transactionalIdPrefix) {
        return KafkaSink.<T>builder()
               
                .setKafkaProducerConfig(withDefault(extra, "transaction.timeout.ms", TRANSACTION_TIMEOUT_MS))
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .build();
    }

    /** Refused input with the reason, at least once (a repeat after a restart is harmless), keyed by stage. */
    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers, Properties extra, String topic) {
        return atLeastOnce(bootstrapServers, extra, KafkaRecords.deadLetters(topic));
    }

    /** Any records, at least once. */
    public static <T> KafkaSink<T> atLeastOnce(String bootstrapServers, Properties extra,
                                               KafkaRecordSerializationSchema<T> schema) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(copy(extra))
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    private static Properties withDefault(Properties extra, String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        p.putAll(copy(extra));
        return p;
    }

    private static Properties copy(Properties extra) {
        Properties p = new Properties();
        if (extra != null) {
            p.putAll(extra);
        }
        return p;
    }
}

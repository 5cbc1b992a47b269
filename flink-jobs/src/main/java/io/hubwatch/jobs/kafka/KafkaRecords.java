package io.hubwatch.jobs.kafka;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** How Hubwatch's Flink jobs write their outputs to Kafka: JSON values, keyed so that order per key is kept. */
public final class KafkaRecords {
    private KafkaRecords() {}

    /** Incidents keyed by fingerprint: all messages of one alert series land in one partition, in order. */
    public static KafkaRecordSerializationSchema<Incident> incidents(String topic) {
        // the builder's schema names its topic, which the exactly-once sink's POOLING transaction naming needs
        return KafkaRecordSerializationSchema.<Incident>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new FingerprintKey())
                .setValueSerializationSchema(new JsonValue<>())
                .build();
    }

    /** The incident's fingerprint as the record key. */
    static final class FingerprintKey implements SerializationSchema<Incident> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Incident incident) {
            return incident.fingerprint().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The wire JSON of any event type. */
    static final class JsonValue<T> implements SerializationSchema<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(T value) {
            return EventJson.toBytes(value);
        }
    }

    /** Dead letters keyed by the stage that refused them. */
    public static KafkaRecordSerializationSchema<DeadLetter> deadLetters(String topic) {
        return (letter, context, timestamp) -> new ProducerRecord<>(topic, null, null,
                letter.stage().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(letter));
    }
}

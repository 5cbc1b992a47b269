package io.hubwatch.jobs.ingest;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** How Hubwatch's Flink jobs write their outputs to Kafka: JSON values, keyed so that order per key is kept. */
public final class KafkaRecords {
    private KafkaRecords() {}

    /** Incidents keyed by fingerprint: all messages of one alert series land in one partition, in order. */
    public static KafkaRecordSerializationSchema<Incident> incidents(String topic) {
        return (incident, context, timestamp) -> new ProducerRecord<>(topic, null, timestamp,
                incident.fingerprint().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(incident));
    }

    /** Dead letters keyed by the stage that refused them. */
    public static KafkaRecordSerializationSchema<DeadLetter> deadLetters(String topic) {
        return (letter, context, timestamp) -> new ProducerRecord<>(topic, null, null,
                letter.stage().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(letter));
    }
}

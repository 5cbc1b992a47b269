package io.hubwatch.notify.support;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.testing.TopicReader;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Unique topics per test, and producing incidents / reading dead letters. */
public final class KafkaIo {
    private KafkaIo() {}

    /** Creates an incidents topic and a dead-letter topic with unique names; returns {incidents, deadLetter}. */
    public static String[] topics(EmbeddedKafka kafka, String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String incidents = id + "-incidents";
        String deadLetter = id + "-dead-letter";
        kafka.createTopics(List.of(new NewTopic(incidents, 2, (short) 1), new NewTopic(deadLetter, 1, (short) 1)));
        return new String[] {incidents, deadLetter};
    }

    public static void publish(EmbeddedKafka kafka, String topic, Collection<Incident> incidents) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer())) {
            for (Incident i : incidents) {
                p.send(new ProducerRecord<>(topic, i.fingerprint(), EventJson.toBytes(i)));
            }
            p.flush();
        }
    }

    public static void publishRaw(EmbeddedKafka kafka, String topic, String value) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, "raw", value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            p.flush();
        }
    }

    public static List<DeadLetter> deadLetters(EmbeddedKafka kafka, String topic, int atLeast, Duration within) {
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.UNCOMMITTED,
                r -> EventJson.read(r.value(), DeadLetter.class), read -> read.size() >= atLeast, within);
    }
}

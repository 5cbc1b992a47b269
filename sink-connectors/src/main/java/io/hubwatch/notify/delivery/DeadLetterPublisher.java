package io.hubwatch.notify.delivery;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Parks what could not be delivered on the {@code notifications-dead-letter} topic as a {@link DeadLetter} (reason
 * names the receiver and the last error). {@link #publish} returns only once Kafka acknowledged the record, so the
 * caller may then commit the incident's offset; it keeps retrying while Kafka is away.
 */
public final class DeadLetterPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private volatile boolean closing;

    public DeadLetterPublisher(String bootstrapServers, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "hubwatch-notifier-dead-letter"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** @return true once stored; false only if the notifier is closing (the incident is then replayed on restart) */
    public boolean publish(String key, DeadLetter letter) {
        byte[] value = EventJson.toBytes(letter);
        while (!closing) {
            try {
                producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("could not write to dead-letter topic {} yet, retrying: {}", topic, e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        closing = true;
        producer.close(java.time.Duration.ofSeconds(5));
    }
}

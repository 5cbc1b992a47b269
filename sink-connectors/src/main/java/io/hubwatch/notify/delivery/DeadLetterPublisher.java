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

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Parks what could not be delivered on the {@code notifications-dead-letter} topic as a {@link DeadLetter} (reason
 * names the receiver and the last error). {@link #publish} returns true only once Kafka acknowledged the record, so the
 * caller may then commit the incident's offset. It retries while Kafka is away, but for a bounded time: then it logs
 * an error, counts the failure ({@code onGiveUp}) and returns false, and the incident stays uncommitted (tried again
 * after a restart) instead of blocking its caller forever.
 *
 * <pre>{@code
 * var deadLetters = new DeadLetterPublisher(bootstrap, "dead-letter", Duration.ofSeconds(30), failures::increment);
 * boolean stored = deadLetters.publish(key, letter);
 * }</pre>
 */
public final class DeadLetterPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);
    private static final int MAX_PAYLOAD_CHARS = 100_000;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Duration timeout;
    private final Runnable onGiveUp;
    private volatile boolean closing;

    /**
     * @param timeout  how long one dead letter may take to be stored before it is given up
     * @param onGiveUp counts a dead letter given up (a metric)
     */
    public DeadLetterPublisher(String bootstrapServers, String topic, Duration timeout, Runnable onGiveUp) {
        this.topic = topic;
        this.timeout = timeout;
        this.onGiveUp = onGiveUp;
        int blockMs = (int) Math.max(1, Math.min(timeout.toMillis(), 60_000));
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, blockMs,
                ProducerConfig.CLIENT_ID_CONFIG, "hubwatch-notifier-dead-letter"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * @return true once stored; false when the notifier is closing or the timeout passed (the incident is then
     *         replayed on restart)
     */
    public boolean publish(String key, DeadLetter letter) {
        if (letter.payload() != null && letter.payload().length() > MAX_PAYLOAD_CHARS) {
            // a record over the broker's size limit could never be stored: keep the head, which names the problem
            letter = new DeadLetter(letter.sourceTopic(), letter.stage(), letter.reason(),
                    letter.payload().substring(0, MAX_PAYLOAD_CHARS) + "…(truncated)", letter.receivedAt());
        }
        byte[] value = EventJson.toBytes(letter);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.error("gave up writing a dead letter to {} after {}: {} (stage {}); it stays uncommitted and is "
                        + "tried again after a restart", topic, timeout, letter.reason(), letter.stage());
                onGiveUp.run();
                return false;
            }
            try {
                producer.send(new ProducerRecord<>(topic, key, value)).get(left, TimeUnit.NANOSECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("could not write to dead-letter topic {} yet, retrying: {}", topic, e.getMessage());
                try {
                    Thread.sleep(Math.max(0, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
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

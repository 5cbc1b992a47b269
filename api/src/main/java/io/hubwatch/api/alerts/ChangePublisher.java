package io.hubwatch.api.alerts;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes rule and silence changes to their compacted topics and waits for Kafka's acknowledgement, so a change the
 * API confirms is on the topic. Idempotent producer with {@code acks=all}: a retried send writes no duplicate.
 *
 * <pre>{@code
 * try (ChangePublisher publisher = new ChangePublisher("localhost:9092")) {
 *     publisher.publish(Topics.ALERT_RULES, rule.id(), RuleFiles.toJson(rule));
 *     publisher.publish(Topics.ALERT_RULES, id, null);   // tombstone: deleted
 * }
 * }</pre>
 */
public final class ChangePublisher implements AutoCloseable {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final String bootstrap;
    private final KafkaProducer<String, String> producer;

    /** Kafka did not take a change; nothing was changed in PostgreSQL either. */
    public static final class PublishException extends Exception {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public ChangePublisher(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "hubwatch-api-changes",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new StringSerializer());
    }

    /** Sends and waits for the acknowledgement. {@code value == null} is a tombstone. */
    public void publish(String topic, String key, String value) throws PublishException {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing to '" + topic + "'", e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishException("Kafka did not accept the change on topic '" + topic + "': "
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        }
    }

    /**
     * The keys whose latest record on a compacted topic is not a tombstone (what a consumer of the topic would hold).
     * Reads the topic from the beginning up to its current end.
     */
    public Set<String> liveKeys(String topic, Duration timeout) throws PublishException {
        Set<String> live = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "hubwatch-api-reconcile-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return live;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new PublishException("could not read topic '" + topic + "' to its end within " + timeout, null);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        live.remove(r.key());
                    } else {
                        live.add(r.key());
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new PublishException("could not read topic '" + topic + "': " + e.getMessage(), e);
        }
        return live;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

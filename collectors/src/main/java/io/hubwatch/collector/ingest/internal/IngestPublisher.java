package io.hubwatch.collector.ingest.internal;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hands batches to Kafka on one thread of its own, so that the HTTP event loop never waits: {@code send()} blocks for
 * up to {@code max.block.ms} while the producer has no metadata or no memory, and only this thread ever does. A batch
 * completes when Kafka acknowledged all its records; the gateway answers 202 only then, so "accepted" means stored.
 * The queue of batches is bounded: when it is full, {@link #publish} fails at once and the client is told to retry.
 *
 * <pre>{@code
 * publisher.publish(records).whenComplete((v, error) -> ...);   // never blocks
 * }</pre>
 */
public final class IngestPublisher implements AutoCloseable {
    private static final int QUEUED_BATCHES = 512;

    private final KafkaProducer<byte[], byte[]> producer;
    private final ThreadPoolExecutor sender;
    private final LongAdder published = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    public IngestPublisher(String bootstrapServers) {
        this.producer = new KafkaProducer<>(producerConfig(bootstrapServers), new ByteArraySerializer(),
                new ByteArraySerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED_BATCHES),
                r -> {
                    Thread t = new Thread(r, "hubwatch-ingest-sender");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** See the {@code ## Ingest gateway} section of docs/decisions.md for why these values. */
    static Map<String, Object> producerConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "hubwatch-ingest-gateway");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // 0, not Kafka 4's default of 5 ms: a pushed sample is one record in a POST of its own, and it waited the whole
        // 5 ms for a batch that never filled, on the way to every alert (benchmarks/results/alert-latency.md). Under
        // load records still batch: what arrives while a request is in flight goes out together in the next one.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return config;
    }

    /** Completes when Kafka acknowledged every record, or exceptionally with the first failure. Never blocks. */
    public CompletableFuture<Void> publish(List<ProducerRecord<byte[], byte[]>> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.complete(null);
            return done;
        }
        try {
            sender.execute(() -> send(records, done));
        } catch (RejectedExecutionException e) {
            failed.add(records.size());
            done.completeExceptionally(new IllegalStateException("the gateway is busy: " + QUEUED_BATCHES
                    + " batches are waiting for Kafka"));
        }
        return done;
    }

    /** Fire and forget, for dead letters: a lost dead letter is logged in the counters, never retried. */
    public void publishQuietly(List<ProducerRecord<byte[], byte[]>> records) {
        publish(records);
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records, CompletableFuture<Void> done) {
        AtomicInteger pending = new AtomicInteger(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failed.increment();
                        lastError.set(error.getMessage());
                        done.completeExceptionally(error);
                    } else {
                        published.increment();
                    }
                    if (pending.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                failed.increment();
                lastError.set(e.getMessage());
                done.completeExceptionally(e);
                if (pending.decrementAndGet() == 0) {
                    done.complete(null);
                }
            }
        }
    }

    public long published() {
        return published.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public String lastError() {
        return lastError.get();
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(3));
    }
}

package io.hubwatch.collector.host.internal;

import io.hubwatch.events.MetricEvent;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves metric events from a {@link DropOldestBuffer} to Kafka on its own thread, so that whoever calls
 * {@link #offer} never waits for Kafka, whatever state the broker is in.
 *
 * <p>Why a thread of its own: {@code KafkaProducer.send} blocks for up to {@code max.block.ms} while it has no
 * metadata for the topic (broker down at start, topic missing) or its memory is full. Only this thread ever waits
 * there. It also limits how many events are handed to the producer and not yet acknowledged (as many as the buffer
 * holds), so that during an outage the events pile up in the bounded buffer, where the oldest are dropped and counted,
 * rather than in the producer, where they would expire silently much later.
 *
 * <p>Every event offered ends in exactly one counter: published, dropped (buffer full, delivery failed, shutdown),
 * or is still buffered or in flight.
 *
 * <pre>{@code
 * KafkaPublisher publisher = new KafkaPublisher("localhost:9092", "metrics", "web-1", 10_000, problems);
 * publisher.offer(events);            // never blocks
 * publisher.close(Duration.ofSeconds(5));
 * }</pre>
 */
public final class KafkaPublisher {
    /** How long the sending thread may wait in {@code send()} for metadata or producer memory. */
    static final int MAX_BLOCK_MS = 1_000;
    /** A send that did not reach Kafka in this time is failed and counted as dropped. */
    static final int DELIVERY_TIMEOUT_MS = 60_000;
    static final int REQUEST_TIMEOUT_MS = 10_000;
    /** Events in flight without any acknowledgement for this long mean Kafka is not answering. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long RETRY_BACKOFF_MS = 500;
    private static final long CREATE_RETRY_MS = 2_000;

    private final String topic;
    private final ProblemLog problems;
    private final DropOldestBuffer<MetricEvent> buffer;
    private final Semaphore inFlightPermits;
    private final Map<String, Object> producerConfig;
    private final Thread sender;
    /** Created by the sending thread, so that a broker name that does not resolve yet delays nothing else. */
    private volatile KafkaProducer<String, byte[]> producer;

    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong deliveryFailed = new AtomicLong();
    private final AtomicLong droppedAtShutdown = new AtomicLong();
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean stopping;
    private volatile boolean closingProducer;
    private volatile long drainDeadlineNanos;
    private volatile boolean finished;

    public KafkaPublisher(String bootstrapServers, String topic, String clientName, int capacity, ProblemLog problems) {
        this.topic = topic;
        this.problems = problems;
        this.buffer = new DropOldestBuffer<>(capacity);
        this.inFlightPermits = new Semaphore(capacity);
        this.producerConfig = producerConfig(bootstrapServers, clientName);
        this.sender = new Thread(this::sendLoop, "hubwatch-agent-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /** The producer settings; see the {@code ## Host agent} section of docs/decisions.md for why. */
    static Map<String, Object> producerConfig(String bootstrapServers, String clientName) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "hubwatch-agent-" + clientName.replaceAll("[^a-zA-Z0-9._-]", "_"));
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 100);
        // one reading is about 15 events of 130 bytes: 2 KB a second uncompressed. No codec (lz4 cost classes and CPU
        // for bytes nobody misses), and 16 KiB batches, each allocated whole from the pool below
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 16 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // the agent's own drop-oldest buffer holds the backlog; the producer's default 32 MB pool would not fit the
        // agent's 16 MB heap when a broker is away for long
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 1024L * 1024);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return config;
    }

    /** Queues events for Kafka; never blocks. When the buffer is full the oldest events are dropped and counted. */
    public void offer(Collection<MetricEvent> events) {
        int dropped = 0;
        for (MetricEvent event : events) {
            dropped += buffer.add(event);
        }
        if (dropped > 0) {
            problems.reportConsequence("buffer full (" + buffer.capacity() + " events) while Kafka is unavailable or slow: "
                    + "dropping the oldest events");
        }
    }

    private void sendLoop() {
        try {
            if (!createProducer()) {
                return;
            }
            warmUp();
            while (!stopping || (!buffer.isEmpty() && System.nanoTime() < drainDeadlineNanos)) {
                if (!inFlightPermits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                MetricEvent event = buffer.poll(100, TimeUnit.MILLISECONDS);
                if (event == null) {
                    inFlightPermits.release();
                    continue;
                }
                send(event);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop now; what is left is counted at close
        }
    }

    /**
     * Creates the producer, retrying while it cannot be created: the broker's name may not resolve yet (DNS of a
     * service that starts later). Returns false if the publisher was stopped first.
     */
    private boolean createProducer() throws InterruptedException {
        while (!stopping) {
            try {
                KafkaProducer<String, byte[]> created = new KafkaProducer<>(producerConfig, new StringSerializer(),
                        new ByteArraySerializer());
                if (finished) { // closed while we were creating it: nobody else will close it
                    created.close(Duration.ZERO);
                    return false;
                }
                producer = created;
                return true;
            } catch (KafkaException e) {
                problems.report("cannot create the Kafka producer for " + producerConfig.get(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + " (retrying): " + rootMessage(e));
                Thread.sleep(CREATE_RETRY_MS);
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Fetches the topic's metadata once, so the first sample does not wait for it and /health knows early. */
    private void warmUp() {
        try {
            producer.partitionsFor(topic);
        } catch (RuntimeException e) {
            problems.report("Kafka not available yet: " + e.getMessage());
        }
    }

    private void send(MetricEvent event) throws InterruptedException {
        Delivery delivery = new Delivery();
        if (inFlight.getAndIncrement() == 0) {
            lastProgressNanos = System.nanoTime(); // a stall is measured from the first unanswered send
        }
        try {
            producer.send(new ProducerRecord<>(topic, event.seriesKey(), JsonText.metricEvent(event)), delivery);
        } catch (RuntimeException e) {
            delivery.onCompletion(null, e);
        }
        delivery.sendReturned = true;
        Exception rejected = delivery.rejectedInSend;
        if (rejected == null) {
            return;
        }
        if (rejected instanceof RetriableException) {
            // no metadata within max.block.ms or no producer memory: Kafka is away. Keep the event (as the oldest:
            // it is), and wait a little instead of spinning
            buffer.putBackOldest(event);
            problems.report("Kafka not available: " + rejected.getMessage());
            if (!stopping) {
                Thread.sleep(RETRY_BACKOFF_MS);
            }
        } else {
            deliveryFailed.incrementAndGet();
            problems.report("event rejected by the Kafka producer: " + rejected);
        }
    }

    /**
     * The outcome of one send. A failure reported on the sending thread before {@code send()} returned means the
     * producer never took the event (it is handled by {@link #send}); anything else is a real delivery outcome,
     * reported on the producer's I/O thread.
     */
    private final class Delivery implements Callback {
        private final Thread sendingThread = Thread.currentThread();
        volatile boolean sendReturned;
        volatile Exception rejectedInSend;

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (finished) {
                return; // already counted as dropped at shutdown
            }
            if (exception != null && !sendReturned && Thread.currentThread() == sendingThread) {
                rejectedInSend = exception;
            } else if (exception == null) {
                published.incrementAndGet();
                lastProgressNanos = System.nanoTime();
                problems.recovered("Kafka is accepting events again");
            } else if (closingProducer) {
                droppedAtShutdown.incrementAndGet();
            } else {
                deliveryFailed.incrementAndGet();
                problems.report("delivery to Kafka failed, event dropped: " + exception.getMessage());
            }
            inFlight.decrementAndGet();
            inFlightPermits.release();
        }
    }

    /**
     * Whether Kafka looks reachable: the producer holds a connection, and events in flight are being acknowledged.
     * The producer connects lazily, so before the first send this may be false.
     */
    public boolean kafkaReachable() {
        boolean stalled = inFlight.get() > 0 && System.nanoTime() - lastProgressNanos > STALL_NANOS;
        return !stalled && connectionCount() > 0;
    }

    private double connectionCount() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            return 0;
        }
        try {
            for (Map.Entry<MetricName, ? extends Metric> metric : current.metrics().entrySet()) {
                if (metric.getKey().name().equals("connection-count")
                        && metric.getKey().group().equals("producer-metrics")
                        && metric.getValue().metricValue() instanceof Number n) {
                    return n.doubleValue();
                }
            }
        } catch (RuntimeException e) {
            // a closed producer has no metrics: not reachable
        }
        return 0;
    }

    /**
     * Stops taking events, hands what is buffered to the producer for most of the time given, lets the producer
     * deliver within the rest, and counts whatever is still undelivered as dropped. Returns within about the budget.
     */
    public void close(Duration budget) {
        long start = System.nanoTime();
        long budgetNanos = Math.max(0, budget.toNanos());
        drainDeadlineNanos = start + budgetNanos * 3 / 5;
        stopping = true;
        try {
            sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(budgetNanos * 3 / 5) + MAX_BLOCK_MS));
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(MAX_BLOCK_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closingProducer = true;
        long left = Math.max(0, budgetNanos - (System.nanoTime() - start));
        KafkaProducer<String, byte[]> current = producer;
        try {
            if (current != null) {
                current.close(Duration.ofNanos(left)); // when time is up it fails what is left, through the callbacks
            }
        } catch (RuntimeException e) {
            problems.report("closing the Kafka producer failed: " + e.getMessage());
        }
        finished = true;
        int unsent = buffer.clear();
        droppedAtShutdown.addAndGet(unsent);
        long stillInFlight = inFlight.getAndSet(0);
        droppedAtShutdown.addAndGet(stillInFlight); // only if the producer's thread did not finish; counted, not lost
        if (unsent + stillInFlight > 0) {
            problems.report((unsent + stillInFlight) + " events were not delivered before shutdown");
        }
    }

    public long published() {
        return published.get();
    }

    /** Events pushed out of the full buffer. */
    public long droppedBufferFull() {
        return buffer.dropped();
    }

    /** Sends that failed after the delivery timeout, or that the producer refused outright. */
    public long droppedDeliveryFailed() {
        return deliveryFailed.get();
    }

    /** Events still buffered or in flight when the agent closed. */
    public long droppedAtShutdown() {
        return droppedAtShutdown.get();
    }

    public long dropped() {
        return droppedBufferFull() + droppedDeliveryFailed() + droppedAtShutdown();
    }

    public long buffered() {
        return buffer.size();
    }

    public long inFlight() {
        return inFlight.get();
    }

    public int capacity() {
        return buffer.capacity();
    }
}

package io.hubwatch.dbproxy.internal;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the proxy's and the databases' state to Kafka's {@code metrics} topic as {@link MetricEvent}s, so that
 * alert rules can watch them like any other series (e.g. {@code db_replica_lag_seconds > 5 for 1m}). The samples are
 * read on the event loop (which owns the pools) and sent from a thread of its own: {@code KafkaProducer.send} can block
 * while the broker is away, and the event loop must never wait.
 */
final class MetricsFeed implements AutoCloseable {
    private final Engine engine;
    private final String source;
    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService sender;
    private final ScheduledFuture<?> schedule;
    final AtomicLong published = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    MetricsFeed(Engine engine, String bootstrapServers, Duration interval) {
        this.engine = engine;
        this.source = "db-proxy@" + engine.config.listenHost() + ":" + engine.config.listenPort();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "hubwatch-db-proxy",
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 50,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(), new ByteArraySerializer());
        sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "db-proxy-metrics-feed");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        schedule = engine.loop.scheduleAtFixedRate(() -> {
            List<MetricEvent> samples = samples(System.currentTimeMillis());
            sender.execute(() -> send(samples));
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The {@code db_*} series now. Event-loop confined. */
    List<MetricEvent> samples(long now) {
        List<MetricEvent> out = new ArrayList<>();
        out.add(MetricEvent.of(now, source, "db_clients", engine.clients.sum()));
        engine.pools.forEach((k, p) -> {
            Map<String, String> l = Map.of("role", p.role, "server", k.address(), "database", k.database(), "user", k.user());
            out.add(new MetricEvent(now, source, "db_pool_active_connections", p.openCount() - p.idleCount(), l));
            out.add(new MetricEvent(now, source, "db_pool_idle_connections", p.idleCount(), l));
            out.add(new MetricEvent(now, source, "db_pool_waiting_clients", p.waitingCount(), l));
            out.add(new MetricEvent(now, source, "db_pool_wait_timeouts_total", p.stats.waitTimeouts.sum(), l));
        });
        for (ReplicaMonitor.Replica r : engine.monitor.replicas) {
            Map<String, String> l = Map.of("replica", r.server.address());
            out.add(new MetricEvent(now, source, "db_replica_up", r.healthy ? 1 : 0, l));
            if (Double.isFinite(r.lagSeconds)) { // not measured yet, or unreachable: no sample rather than a made-up one
                out.add(new MetricEvent(now, source, "db_replica_lag_seconds", r.lagSeconds, l));
            }
        }
        DatabaseStats d = engine.monitor.databaseStats;
        if (d != null) {
            Map<String, String> l = Map.of("database", d.database());
            if (Double.isFinite(d.cacheHitRatio())) {
                out.add(new MetricEvent(now, source, "db_database_cache_hit_ratio", d.cacheHitRatio(), l));
            }
            out.add(new MetricEvent(now, source, "db_database_dead_tuples", d.deadTuples(), l));
            out.add(new MetricEvent(now, source, "db_database_size_bytes", d.sizeBytes(), l));
            d.connectionsByState().forEach((state, n) -> out.add(new MetricEvent(now, source, "db_database_connections",
                    n.doubleValue(), Map.of("database", d.database(), "state", state))));
        }
        return out;
    }

    private void send(List<MetricEvent> samples) {
        for (MetricEvent e : samples) {
            try {
                producer.send(new ProducerRecord<>(Topics.METRICS, e.seriesKey(), EventJson.toBytes(e)), (meta, error) -> {
                    if (error == null) {
                        published.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            } catch (RuntimeException error) { // no metadata within max.block.ms: the broker is away; the next round tries again
                failed.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        schedule.cancel(false);
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}

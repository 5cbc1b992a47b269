package io.hubwatch.notify;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.InvalidEventException;
import io.hubwatch.events.Labels;
import io.hubwatch.events.Severity;
import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.delivery.DeadLetterPublisher;
import io.hubwatch.notify.delivery.Deliverer;
import io.hubwatch.notify.delivery.DeliveryMetrics;
import io.hubwatch.notify.delivery.TargetGuard;
import io.hubwatch.notify.internal.Dispatcher;
import io.hubwatch.notify.internal.OffsetTracker;
import io.hubwatch.notify.internal.PendingRecord;
import io.hubwatch.notify.internal.SentLog;
import io.hubwatch.notify.internal.SupervisedLoop;
import io.hubwatch.notify.receiver.Integration;
import io.hubwatch.notify.receiver.Integrations;
import io.hubwatch.notify.receiver.Notification;
import io.hubwatch.notify.receiver.internal.AlertmanagerPayload;
import io.hubwatch.notify.receiver.internal.HttpPoster;
import io.hubwatch.notify.routing.Route;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The notifier service: a Kafka consumer group on {@code incidents} that routes, groups and delivers, committing an
 * incident's offset only after the group holding it was delivered or parked on the dead-letter topic. A crash loses
 * nothing: uncommitted incidents are re-consumed, rebuild their groups, and are re-sent with the same idempotency
 * key, which receivers use to drop repeats.
 *
 * <pre>{@code
 * try (Notifier notifier = Notifier.start(NotifierConfig.load(file), "localhost:9092")) {
 *     System.out.println("metrics at http://" + notifier.httpAddress().getHostString() + ":"
 *             + notifier.httpAddress().getPort() + "/metrics");
 *     notifier.testSend().send("hello", List.of("ops"));
 * }
 * }</pre>
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    /** Deliveries remembered across restarts: far more than can be delivered and not yet committed at once. */
    private static final int SENT_LOG_CAPACITY = 10_000;

    private final NotifierConfig config;
    private final Vertx vertx;
    private final HttpPoster poster;
    private final PrometheusMeterRegistry registry;
    private final DeliveryMetrics metrics;
    private final Deliverer deliverer;
    private final DeadLetterPublisher deadLetters;
    private final OffsetTracker tracker = new OffsetTracker();
    private final Dispatcher dispatcher;
    private final java.util.function.Supplier<KafkaConsumer<String, byte[]>> consumers;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private final SupervisedLoop supervisor;
    private final SentLog sent;
    /**
     * Delivery threads per receiver (up to {@link #THREADS_PER_RECEIVER} each, idle ones end): a delivery blocks its
     * thread through its retries, up to {@code give_up_after}, so with one shared pool a receiver that fails or hangs
     * for minutes held every thread and every other receiver's notifications waited behind it.
     */
    private final java.util.Map<String, ExecutorService> deliveryPools = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int THREADS_PER_RECEIVER = 16;
    private final AtomicInteger deliveryThreads = new AtomicInteger();
    private final ScheduledExecutorService scheduler;
    private final TestSend testSend;
    private final Thread consumerThread;
    private final HttpServer httpServer;
    private volatile boolean running = true;
    private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
    private Instant nextWake; // guarded by this

    private Notifier(NotifierConfig config, String bootstrapServers, NotifierOptions options) {
        this.config = config;
        this.vertx = Vertx.vertx();
        this.poster = new HttpPoster(vertx, new TargetGuard(config.targets()));
        this.registry = io.hubwatch.telemetry.ProcessMetrics.registry();
        this.metrics = new DeliveryMetrics(registry);
        this.deliverer = new Deliverer(config::deliveryFor, metrics);
        this.sent = options.stateDir() == null ? null : SentLog.open(options.stateDir(), SENT_LOG_CAPACITY);
        this.httpServer = startHttp(); // before any Kafka client: a busy port must fail first
        Map<String, List<Integration>> integrations = Integrations.build(config, poster);
        this.testSend = new TestSend(config, integrations, () -> { });
        this.dispatcher = new Dispatcher(Route.compile(config.route()), integrations, config.externalUrl(),
                r -> tracker.done(r.partition(), r.offset()));
        this.deadLetters = new DeadLetterPublisher(bootstrapServers, config.deadLetterTopic(), options.deadLetterTimeout(),
                () -> metrics.counted("hubwatch.notifier.dead.letter.failures"));
        this.consumers = () -> new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Flink writes incidents in a transaction per checkpoint. Read uncommitted (the default), a notification
                // leaves as soon as the incident is written, not at the next checkpoint; what a restored job writes
                // again carries the same incident ids and is dropped by the dispatcher (see Dispatcher.ended)
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, config.isolationLevel(),
                // a new group starts from the beginning: replayed firing+resolved pairs cancel out before group_wait
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                // a crashed notifier's partitions move to a live one within 10 s instead of 45 s
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000,
                ConsumerConfig.CLIENT_ID_CONFIG, "hubwatch-notifier"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.supervisor = new SupervisedLoop("notifier consumer", this::consumeLoop, options.minRestartBackoff(),
                options.maxRestartBackoff(), Thread::sleep, () -> running);
        registry.gauge("hubwatch.notifier.consumer.up", supervisor, s -> s.isUp() ? 1 : 0);
        registry.more().counter("hubwatch.notifier.consumer.restarts", List.of(), supervisor, SupervisedLoop::restarts);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "notifier-scheduler"));
        this.consumerThread = daemon(supervisor, "notifier-consumer");
    }

    /**
     * Starts consuming {@link NotifierConfig#incidentsTopic()} and serving /metrics.
     *
     * @param bootstrapServers Kafka's {@code host:port} list
     */
    public static Notifier start(NotifierConfig config, String bootstrapServers) {
        return start(config, bootstrapServers, NotifierOptions.defaults());
    }

    /** As {@link #start(NotifierConfig, String)}, with process options (state directory, timeouts). */
    public static Notifier start(NotifierConfig config, String bootstrapServers, NotifierOptions options) {
        Notifier notifier = new Notifier(config, bootstrapServers, options);
        notifier.scheduler.scheduleWithFixedDelay(notifier::flushDue, 100, 100, TimeUnit.MILLISECONDS);
        notifier.consumerThread.start();
        daemon(notifier::warmUp, "notifier-warm-up").start();
        LOG.info("notifier consuming {} as group {}, metrics on {}", config.incidentsTopic(), config.groupId(),
                notifier.httpAddress());
        return notifier;
    }

    /** Completes once the start-up warm-up ({@link #warmUp}) has run, whether or not it succeeded. */
    public CompletableFuture<Void> warmedUp() {
        return warmedUp;
    }

    /**
     * Takes one made-up incident through what its first delivery would load for the first time, on a background
     * thread as the notifier starts: the incident's JSON both ways, the Alertmanager payload, and one POST through the
     * HTTP client to this notifier's own /health. In a fresh `up`, the first firing's delivery took 0.52-0.94 s in
     * benchmarks/alert-latency.sh against a median of 8 ms, nearly all of it classes loaded on the way (~300 between
     * reading the incident and the webhook's answer, in -Xlog:class+load); with this warm-up, 0.22 s. A restarted
     * notifier's first alert is the one its operators are waiting for. Nothing is sent to any receiver, routed, grouped
     * or counted.
     */
    private void warmUp() {
        long start = System.nanoTime();
        try {
            Instant now = Instant.now();
            Map<String, String> labels = new TreeMap<>(Map.of("alertname", "hubwatch_warm_up", "host", "localhost"));
            String fp = Labels.fingerprint(labels);
            Incident probe = new Incident(Incident.idFor(fp, now, IncidentStatus.FIRING),
                    "hubwatch_warm_up", IncidentKind.THRESHOLD, IncidentStatus.FIRING,
                    Severity.INFO, "hubwatch_warm_up", labels, 1, 0.0, now, null, "warm-up",
                    Map.of(), fp);
            Incident parsed = EventJson.parseIncident(EventJson.toBytes(probe));
            checkShape(parsed);
            Notification n = new Notification("warm-up", "{}:{}", labels, List.of(parsed), "warm-up", config.externalUrl());
            EventJson.toBytes(AlertmanagerPayload.build(n, 0));
            String host = config.httpHost();
            if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                host = "127.0.0.1"; // listening on every interface: the loopback is one of them
            }
            poster.warmUp(host, httpServer.actualPort(), Duration.ofSeconds(10));
            LOG.debug("notifier warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            // only a cost: the first delivery loads what it needs itself (and a notifier closed meanwhile has none)
            (running ? LOG.atInfo() : LOG.atDebug()).log(
                    "notifier warm-up did not complete ({}); the first delivery may take a few hundred ms longer", e.toString());
        } finally {
            warmedUp.complete(null);
        }
    }

    /** Where /metrics (Prometheus text format) is served. */
    public InetSocketAddress httpAddress() {
        return new InetSocketAddress(config.httpHost(), httpServer.actualPort());
    }

    /** Test sends through this notifier's receivers. */
    public TestSend testSend() {
        return testSend;
    }

    /** Whether the consumer runs: false while it is being restarted after a failure (health answers 503 then). */
    public boolean consumerUp() {
        return supervisor.isUp();
    }

    /** The metrics in Prometheus text format, as served on /metrics. */
    public String scrape() {
        return registry.scrape();
    }

    private HttpServer startHttp() {
        try {
            return vertx.createHttpServer().requestHandler(req -> {
                if ("/metrics".equals(req.path())) {
                    req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
                } else if ("/health".equals(req.path())) {
                    boolean up = supervisor.isUp();
                    Map<String, Object> health = new java.util.LinkedHashMap<>();
                    health.put("status", up ? "up" : "down");
                    health.put("consumer", up ? "up" : "down");
                    health.put("restarts", supervisor.restarts());
                    if (!up) {
                        health.put("error", supervisor.lastError() == null ? "starting" : supervisor.lastError());
                    }
                    req.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                            .end(EventJson.toJson(health));
                } else {
                    req.response().setStatusCode(404).end("not found; try /metrics or /health\n");
                }
            }).listen(config.httpPort(), config.httpHost()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("notifier cannot listen on " + config.httpHost() + ":" + config.httpPort()
                    + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
        }
    }

    /**
     * One run of the consumer, supervised by {@link SupervisedLoop}: returns when the notifier stops, throws when it
     * fails; a fresh consumer is then made, and the incidents not yet committed are read again (their groups are
     * rebuilt, as after a rebalance).
     */
    private void consumeLoop() {
        KafkaConsumer<String, byte[]> consumer = consumers.get();
        this.consumer = consumer;
        if (!running) {
            consumer.close(Duration.ZERO);
            return;
        }
        try {
            consumer.subscribe(List.of(config.incidentsTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit(consumer);
                    tracker.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                supervisor.markUp();
                for (ConsumerRecord<String, byte[]> r : records) {
                    handle(r);
                }
                if (!records.isEmpty()) {
                    // a group with group_wait 0s is due now: send it without waiting for the next scheduler tick
                    scheduler.execute(this::flushDue);
                }
                commit(consumer);
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            try {
                commit(consumer);
            } catch (RuntimeException e) {
                LOG.warn("final offset commit failed; uncommitted incidents are replayed on restart: {}", e.getMessage());
            }
            tracker.forget(consumer.assignment());
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        tracker.seen(tp, r.offset());
        metrics.counted("hubwatch.notifier.incidents.consumed");
        Incident incident;
        try {
            incident = EventJson.parseIncident(r.value() == null ? new byte[0] : r.value());
            checkShape(incident);
        } catch (InvalidEventException e) {
            String payload = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
            if (deadLetters.publish(r.key(), new DeadLetter(r.topic(), "notifier/parse", e.getMessage(), payload, Instant.now()))) {
                metrics.counted("hubwatch.notifier.invalid");
                tracker.done(tp, r.offset());
            }
            return;
        }
        try {
            dispatcher.add(incident, new PendingRecord(tp, r.offset()), Instant.now());
        } catch (RuntimeException e) {
            // a poison incident: whatever in it breaks routing or grouping, it is parked with the reason, and the
            // consumer goes on with the next one
            LOG.warn("incident at {} offset {} could not be routed, parking it: {}", tp, r.offset(), e.toString());
            String payload = new String(r.value(), StandardCharsets.UTF_8);
            if (deadLetters.publish(r.key(), new DeadLetter(r.topic(), "notifier/route",
                    "the incident could not be routed: " + e, payload, Instant.now()))) {
                metrics.counted("hubwatch.notifier.invalid");
                tracker.done(tp, r.offset());
            }
        }
    }

    /** Refuses what parses as an incident but would break routing or templates: null labels or annotations. */
    private static void checkShape(Incident incident) throws InvalidEventException {
        if (incident.fingerprint() == null || incident.startsAt() == null || incident.status() == null) {
            throw new InvalidEventException("incident lacks fingerprint, startsAt or status");
        }
        for (Map.Entry<String, String> e : incident.labels().entrySet()) {
            if (e.getValue() == null) {
                throw new InvalidEventException("incident label '" + e.getKey() + "' is null");
            }
        }
        for (Map.Entry<String, String> e : incident.annotations().entrySet()) {
            if (e.getValue() == null) {
                throw new InvalidEventException("incident annotation '" + e.getKey() + "' is null");
            }
        }
    }

    private void commit(KafkaConsumer<String, byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            tracker.committed(offsets);
        }
    }

    private void flushDue() {
        try {
            for (Dispatcher.FlushJob job : dispatcher.due(Instant.now())) {
                run(job);
            }
            wakeAtNextDue();
        } catch (RuntimeException e) {
            LOG.error("flush failed: {}", e.toString(), e);
        }
    }

    /**
     * Schedules a flush for the moment the next group is due, so group_wait and group_interval end on time rather
     * than on the next 100 ms tick (a resolution waiting on group_interval was sent 0-100 ms late). The tick stays as
     * the safety net. Called on the scheduler thread and by delivery threads.
     */
    private void wakeAtNextDue() {
        Instant next = dispatcher.nextDue();
        if (next == null || scheduler.isShutdown()) {
            return;
        }
        synchronized (this) {
            if (nextWake != null && !nextWake.isAfter(next) && nextWake.isAfter(Instant.now())) {
                return; // a wake-up at or before it is already scheduled
            }
            nextWake = next;
        }
        long delay = Math.max(0, Duration.between(Instant.now(), next).toNanos());
        try {
            scheduler.schedule(this::flushDue, delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the notifier is closing
        }
    }

    private void run(Dispatcher.FlushJob job) {
        List<CompletableFuture<Boolean>> handled = new ArrayList<>();
        for (Map.Entry<Integration, Notification> send : job.sends().entrySet()) {
            handled.add(CompletableFuture.supplyAsync(() -> deliver(send.getKey(), send.getValue()),
                    deliveryPool(send.getKey().receiver())));
        }
        CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
            boolean all = error == null && handled.stream().allMatch(CompletableFuture::join);
            if (all) {
                dispatcher.complete(job);
                wakeAtNextDue(); // the group's next group_interval tick
            }
            // else the notifier is stopping: the records stay uncommitted and are replayed on restart
        });
    }

    /** @return true when delivered or dead-lettered; false when stopping */
    private boolean deliver(Integration integration, Notification n) {
        if (sent != null && sent.contains(integration.receiver() + "/" + integration.name(), n.idempotencyKey())) {
            // delivered before a restart that came before its offsets were committed: do not send it twice
            metrics.counted("hubwatch.notifier.resends.skipped");
            return true;
        }
        Deliverer.Outcome outcome;
        try {
            outcome = deliverer.deliver(integration, n);
        } catch (RuntimeException e) {
            // a notification that cannot even be built or sent (a bug or a poison alert) is parked, not retried forever
            outcome = new Deliverer.Outcome(Deliverer.Kind.FAILED, "could not be built or sent: " + e, 1);
        }
        switch (outcome.kind()) {
            case DELIVERED:
                if (sent != null) {
                    sent.add(integration.receiver() + "/" + integration.name(), n.idempotencyKey());
                }
                return true;
            case ABORTED:
                return false;
            default:
                String reason = "receiver '" + integration.receiver() + "' " + integration.name() + ": " + outcome.reason();
                LOG.warn("notification {} for group {} is undeliverable, parking it: {}", n.idempotencyKey(), n.groupKey(), reason);
                boolean parked = deadLetters.publish(n.idempotencyKey(), new DeadLetter(config.incidentsTopic(),
                        "notifier/" + integration.receiver() + "/" + integration.name(), reason,
                        EventJson.toJson(Map.of("receiver", n.receiver(), "integration", integration.name(),
                                "groupKey", n.groupKey(), "idempotencyKey", n.idempotencyKey(),
                                "attempts", outcome.attempts(), "alerts", n.alerts())), Instant.now()));
                if (parked) {
                    metrics.deadLettered(integration.receiver(), integration.name());
                }
                return parked;
        }
    }

    private ExecutorService deliveryPool(String receiver) {
        return deliveryPools.computeIfAbsent(receiver, r -> {
            java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
                    THREADS_PER_RECEIVER, THREADS_PER_RECEIVER, 60, TimeUnit.SECONDS,
                    new java.util.concurrent.LinkedBlockingQueue<>(),
                    t -> daemon(t, "notifier-delivery-" + deliveryThreads.incrementAndGet()));
            pool.allowCoreThreadTimeOut(true);
            return pool;
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops consuming and delivering. Deliveries in flight are abandoned at the next attempt boundary; their incidents
     * stay uncommitted and are re-sent (same idempotency key) by the next notifier of the group.
     */
    @Override
    public void close() {
        running = false;
        deliverer.stop();
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        scheduler.shutdownNow();
        deliveryPools.values().forEach(ExecutorService::shutdownNow);
        try {
            consumerThread.join(15_000);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ExecutorService pool : deliveryPools.values()) {
                pool.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadLetters.close();
        if (sent != null) {
            sent.close();
        }
        poster.close();
        vertx.close();
        registry.close();
    }
}

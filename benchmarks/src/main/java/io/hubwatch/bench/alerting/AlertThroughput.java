package io.hubwatch.bench.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.jobs.alerting.internal.SeriesSample;
import io.hubwatch.jobs.keys.StringKeys;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.AlertJob;
import io.hubwatch.jobs.alerting.AlertJobConfig;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.jobs.kafka.Ingested;
import io.hubwatch.jobs.kafka.MetricRecordDeserializer;
import io.hubwatch.jobs.kafka.SplitRefused;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.hubwatch.jobs.anomaly.AnomalyJob;
import io.hubwatch.jobs.anomaly.AnomalyJobConfig;
import java.util.List;
import java.util.Map;

/**
 * Events per second through Kafka → alert job → incidents, with N series and the six default rules.
 *
 * <p>The job is the alert job (the anomaly job, which {@code anomaly-throughput.sh} measures, runs beside it only with
 * {@code -Danomaly=true}): Kafka source,
 * the six default rules, CEP, lifecycle, muting and the exactly-once incidents sink, with the job's checkpoint
 * settings.
 *
 * <p>The metrics topic is filled first (every series sampled every 10 s of event time; each series breaches its rule
 * in the last minutes so that every series ends with a known number of firing incidents, the last of them at the last
 * samples), then the alert job starts and the clock runs until the last expected incident is committed to the
 * incidents topic: every event read, and a checkpoint taken after it. The figure is therefore
 * the job's catch-up rate: the most it sustains end to end, exactly-once sink included, with the job's default
 * checkpoint interval (up's) unless one is given. The job runs {@code -Dwarmups} times (2) before the {@code -Druns}
 * (5) whose median is the figure, so that it is the rate of compiled code, as a job that runs for days has it; the
 * first run's rate is printed as the cold figure. In the same run, a bare job (Kafka source + parse + discard) reads the
 * same topic right after each run of the alert job: its rate is the floor the machine allows, and the ratio of the two
 * medians is the figure to compare across machines (the machine may be shared). Each run also prints the CPU seconds
 * of the JIT's compiler threads and of the GC's, which {@code ThreadMXBean} does not see.
 *
 * <pre>{@code
 * benchmarks/alert-throughput.sh [series] [samplesPerSeries] [parallelism] [checkpointMs]
 * }</pre>
 */
public final class AlertThroughput {

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Duration checkpoints = args.length > 3 ? Duration.ofMillis(Long.parseLong(args[3]))
                : AlertJobConfig.defaults("unused:9092").checkpointInterval();
        long t0 = (System.currentTimeMillis() / 60_000 - 120) * 60_000;
        long step = 10_000;

        // metric per series: cpu_usage (2 rules), memory_usage, disk_usage, api_response_time, error_rate
        String[] metrics = {"cpu_usage", "memory_usage", "disk_usage", "api_response_time", "error_rate"};
        double[] normal = {30, 40, 50, 800, 1};
        double[] breach = {99, 90, 95, 6000, 9};
        int[] incidentsPerSeries = {2, 1, 1, 1, 1};
        // the last samples breach, from the one where the longest for (5m) ends with the last sample: every rule's
        // for completes, and the last incidents come from the last samples, so that the clock, which stops at the
        // last incident, stops when the job has read every event. Until 2026-12-03 the last 40 samples breached and
        // the last incidents came from the 51st of 60 samples: the clock stopped with ~85 % of the events read.
        // (A committed-offsets end does not work: an idle Kafka source commits only when its 10 s poll returns.)
        long longestFor = RuleSet.defaults().rules().stream().mapToLong(r -> r.forDuration().toMillis()).max().orElse(0);
        long breachFrom = (samples - 1) * step - longestFor;
        // JAVA_OPTS=-Dbreaching=0.02: only that share of the series breaches (default: all of them, the benchmark's
        // figure); in a mostly healthy fleet few samples hold, so CEP and the lifecycle do far less
        double breaching = Double.parseDouble(System.getProperty("breaching", "1"));
        if (!(breaching > 0 && breaching <= 1)) {
            throw new IllegalArgumentException("-Dbreaching must be in (0, 1], was " + breaching);
        }
        // JAVA_OPTS=-Dflapping=true: before the final breach every other sample breaches too, a run that one sample
        // starts and the next breaks (no rule's for is that short, so the incidents expected do not change). The worst
        // case for the exchanges after rule evaluation, which pass on a run's start and break: then every event.
        boolean flapping = Boolean.getBoolean("flapping");
        if (breachFrom < 0) {
            throw new IllegalArgumentException("samplesPerSeries must be at least " + (longestFor / step + 1)
                    + " (the longest for of the default rules, in samples)");
        }

        // A job runs for days: its rate is the rate with its code compiled. In a fresh JVM the first runs also pay
        // for the JIT compiling Kafka's, Flink's and the job's code on the same two cores (the C1/C2 compiler
        // threads took a fifth of the CPU of the first run and still 15 % of the second, JFR, 2026-12-03; the
        // rate rose from ~27,000 events/s in the first run to 55,000-89,000 from the fourth on). So the job runs
        // -Dwarmups times first (the first run's rate is printed as the cold figure), then -Druns times, each on the
        // same events into a topic and group of its own and with fresh state; the figure is the median of those runs,
        // and a floor runs after each. Even so the JIT does not finish here (see vmThreadCpuSeconds): its share is
        // printed with each run.
        int warmups = Integer.getInteger("warmups", 2);
        // five runs: a median of three is one slow run from moving (the floor's slow runs, 2026-12-03, were the REST
        // client's result polling, see floor)
        int runs = Integer.getInteger("runs", 5);
        if (warmups < 0 || runs < 1) {
            throw new IllegalArgumentException("-Dwarmups must be >= 0 and -Druns >= 1, were " + warmups + ", " + runs);
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of(new NewTopic("metrics", 2, (short) 1), new NewTopic("dead-letter", 1, (short) 1)));
            List<NewTopic> incidentTopics = new java.util.ArrayList<>();
            for (int w = 0; w < warmups; w++) {
                incidentTopics.add(new NewTopic("incidents-warmup-" + w, 2, (short) 1));
            }
            for (int r = 0; r < runs; r++) {
                incidentTopics.add(new NewTopic("incidents-run-" + r, 2, (short) 1));
            }
            kafka.createTopics(incidentTopics);
            long expected = 0;
            long events = 0;
            long loadStart = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < series; i++) {
                    expected += breaches(i, breaching) ? incidentsPerSeries[i % metrics.length] : 0;
                }
                for (int k = 0; k < samples; k++) {
                    long t = k * step;
                    for (int i = 0; i < series; i++) {
                        int m = i % metrics.length;
                        // the sample before the final breach stays normal: a flap must not start the final run
                        boolean flap = flapping && k % 2 == 1 && t < breachFrom - step;
                        double v = (t >= breachFrom || flap) && breaches(i, breaching) ? breach[m] : normal[m];
                        MetricEvent e = new MetricEvent(t0 + t, "host-" + i, metrics[m], v, Map.of("bench", "1"));
                        producer.send(new ProducerRecord<>("metrics", e.seriesKey().getBytes(StandardCharsets.UTF_8),
                                EventJson.toBytes(e)));
                        events++;
                    }
                }
                producer.flush();
            }
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            System.out.printf("loaded %,d events (%,d series x %d samples) in %.1f s; expecting %,d incidents%n",
                    events, series, samples, loadSeconds, expected);

            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "none");
            // JAVA_OPTS=-Dunaligned=true: unaligned checkpoints, to measure what barrier alignment costs under back-pressure
            conf.setString("execution.checkpointing.unaligned.enabled", System.getProperty("unaligned", "false"));
            conf.setString("execution.checkpointing.storage", "filesystem");
            // JAVA_OPTS=-Dstate.backend=rocksdb: the state backend of the Kubernetes manifest (incremental checkpoints);
            // every state access then (de)serialises, where the heap backend (up's) only does so in snapshots
            String backend = System.getProperty("state.backend", "hashmap");
            if (!backend.equals("hashmap") && !backend.equals("rocksdb")) {
                throw new IllegalArgumentException("-Dstate.backend must be hashmap or rocksdb, was " + backend);
            }
            conf.setString("state.backend.type", backend);
            conf.setString("state.backend.incremental", Boolean.toString(backend.equals("rocksdb")));
            conf.setString("execution.checkpointing.dir",
                    java.nio.file.Files.createTempDirectory("hubwatch-bench-checkpoints").toUri().toString());
            // JAVA_OPTS=-Dbuffer.timeout=100ms: another network-buffer timeout than the job's (5 ms), to measure its cost
            if (System.getProperty("buffer.timeout") != null) {
                conf.setString("execution.buffer-timeout.interval", System.getProperty("buffer.timeout"));
            }
            // the threshold-rule path alone, unless JAVA_OPTS=-Danomaly=true: then the anomaly job runs beside it as up
            // runs it (its own job, 1 s checkpoints; the default anomaly metrics, here cpu_usage and memory_usage, 40 %
            // of the series, are scored, trained on what the topic holds); its incidents are not counted
            boolean anomaly = Boolean.getBoolean("anomaly");
            AlertJobConfig config = AlertJobConfig.defaults(kafka.bootstrapServers());
            config = config.withTiming(config.outOfOrderness(), config.idleness(), checkpoints);
            // every job of this run is submitted to one running MiniCluster, as up submits its jobs (and as jobs are
            // submitted to a cluster): a job's time starts at its submission, not at a cluster's start. Until
            // 2026-12-03 each run started a MiniCluster of its own, ~1.5 s of each run (executeAsync alone)
            try (Cluster cluster = Cluster.start(2 * parallelism)) {
                double coldRate = Double.NaN;
                boolean keyedFloor = Boolean.getBoolean("keyedFloor");
                // each job run is followed by the floors, so that job and floor share the machine's state: the rate of
                // this shared machine drifts by half from one quarter of an hour to the next (2026-12-03), and the
                // floors, run after all the job's runs, met another machine than the job did. Warm-up runs warm the
                // floors' code too.
                for (int w = 0; w < warmups; w++) {
                    double[] warm = runAlertJob(cluster, kafka, conf, parallelism, expected, false, config, "warmup-" + w);
                    coldRate = w == 0 ? events / warm[0] : coldRate;
                    System.out.printf("warm-up run %d: %,d events in %.1f s, %,.0f events/s (JIT %.1f CPU s)%n", w + 1,
                            events, warm[0], events / warm[0], warm[3]);
                    floor(cluster, kafka.bootstrapServers(), parallelism, events, false, checkpoints);
                }
                double[][] measured = new double[runs][];
                double[][] floors = new double[runs][];
                double[][] keyedFloors = new double[runs][];
                for (int r = 0; r < runs; r++) {
                    measured[r] = runAlertJob(cluster, kafka, conf, parallelism, expected, anomaly, config, "run-" + r);
                    System.out.printf("run %d: %,d events in %.1f s (%.1f CPU s, of which JIT %.1f, GC %.1f), %,.0f events/s, "
                                    + "%d/%d incidents%n", r + 1, events, measured[r][0], measured[r][1], measured[r][3],
                            measured[r][4], events / measured[r][0], (long) measured[r][2], expected);
                    floors[r] = floor(cluster, kafka.bootstrapServers(), parallelism, events, false, checkpoints);
                    // JAVA_OPTS=-DkeyedFloor=true: also the keyed floor (see floor), on its own line
                    if (keyedFloor) {
                        keyedFloors[r] = floor(cluster, kafka.bootstrapServers(), parallelism, events, true, checkpoints);
                    }
                }
                if (warmups == 0) {
                    coldRate = events / measured[0][0]; // no warm-up: the first measured run was the cold one
                }
                double[] run = median(measured);
                double seconds = run[0];
                double cpuSeconds = run[1];
                long seen = java.util.Arrays.stream(measured).mapToLong(m -> (long) m[2]).min().orElse(0);
                double[] floor = median(floors);
                if (keyedFloor) {
                    double[] keyed = median(keyedFloors);
                    System.out.printf("KEYED_FLOOR events_per_second=%.0f cpu_seconds=%.1f events_per_cpu_second=%.0f "
                            + "alert_job_ratio=%.2f%n", events / keyed[0], keyed[1], events / keyed[1], keyed[0] / seconds);
                }
                // wall-clock rates depend on what else the machine runs; events per CPU-second of this process (broker,
                // job and reader alike, in both runs) much less so
                System.out.printf("RESULT warmups=%d runs=%d cold_events_per_second=%.0f anomaly=" + anomaly + " backend=" + backend
                                + " flapping=" + flapping
                                + " series=%d breaching=%s events=%d parallelism=%d checkpoint_ms=%d incidents=%d/%d seconds=%.1f "
                                + "events_per_second=%.0f floor_events_per_second=%.0f ratio=%.2f "
                                + "cpu_seconds=%.1f jit_cpu_seconds=%.1f gc_cpu_seconds=%.1f events_per_cpu_second=%.0f "
                                + "floor_cpu_seconds=%.1f floor_events_per_cpu_second=%.0f cpu_ratio=%.2f%n",
                        warmups, runs, coldRate, series, breaching, events, parallelism, checkpoints.toMillis(), seen, expected,
                        seconds, events / seconds, events / floor[0],
                        (events / seconds) / (events / floor[0]), cpuSeconds, run[3], run[4], events / cpuSeconds, floor[1],
                        events / floor[1], (events / cpuSeconds) / (events / floor[1]));
            }
        }
        System.exit(0);
    }

    /**
     * Runs the alert job on the metrics topic until {@code expected} incidents are committed to its incidents topic
     * (read_committed), then cancels it: {seconds from submission, CPU seconds of this process, incidents seen, of the
     * CPU seconds those of the JIT's compiler threads and those of the GC's threads}.
     */
    private static double[] runAlertJob(Cluster cluster, EmbeddedKafka kafka, Configuration conf, int parallelism, long expected,
                                        boolean anomaly, AlertJobConfig base, String run) throws Exception {
        // its own incidents topic, consumer group and transactional ids: each run starts afresh on the same metrics
        AlertJobConfig config = base.withTopics(base.metricsTopic(), "incidents-" + run, "dead-letter")
                .withGroup(base.groupId() + "-" + run, base.transactionalIdPrefix() + "-" + run);
        StreamExecutionEnvironment env = cluster.env(conf, parallelism);
        AlertJob.wire(env, config, RuleSet.defaults());
        Meter meter = new Meter();
        JobClient anomalyJob = null;
        if (anomaly) {
            StreamExecutionEnvironment anomalyEnv = cluster.env(conf, parallelism);
            AnomalyJobConfig anomalyConfig = AnomalyJobConfig.defaults(kafka.bootstrapServers());
            AnomalyJob.wire(anomalyEnv, anomalyConfig.withTiming(anomalyConfig.outOfOrderness(), anomalyConfig.idleness(),
                    Duration.ofSeconds(1)).withPrimeFrom(Duration.ofDays(1)), AnomalyJob.optIn(List.of()));
            anomalyJob = anomalyEnv.executeAsync("anomaly-beside-alert-throughput");
        }
        Map<String, Long> threadCpuStart = threadCpuNanos();
        JobClient job = env.executeAsync("alert-throughput");
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + config.incidentsTopic(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.incidentsTopic()));
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            long lastReport = System.nanoTime();
            while (seen < expected && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (!anomaly || !new String(r.value(), StandardCharsets.UTF_8).contains("\"kind\":\"anomaly\"")) {
                        seen++;
                    }
                }
                if (System.nanoTime() - lastReport > 10e9) {
                    lastReport = System.nanoTime();
                    System.out.printf("  %.0f s: %,d of %,d incidents%n", meter.elapsedSeconds(), seen, expected);
                }
            }
        }
        double[] cost = meter.stop();
        double cpuSeconds = cost[1];
        // JAVA_OPTS=-Dthreads=true: CPU seconds of this run by thread (subtask numbers and pool counters folded), the
        // exact share of each stage where a sampling profiler only estimates it
        if (Boolean.getBoolean("threads")) {
            Map<String, Long> end = threadCpuNanos();
            Map<String, Long> byName = new java.util.TreeMap<>();
            end.forEach((name, nanos) -> byName.merge(name.replaceAll("#\\d+$", ""), nanos - threadCpuStart.getOrDefault(name, 0L), Long::sum));
            byName.entrySet().stream().filter(e -> e.getValue() > 50_000_000L)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf("THREAD_CPU %5.2f s %4.1f %% %s%n", e.getValue() / 1e9,
                            100 * e.getValue() / 1e9 / cpuSeconds, e.getKey()));
        }
        Cluster.cancel(job);
        if (anomalyJob != null) {
            Cluster.cancel(anomalyJob);
        }
        cluster.awaitIdle();
        return new double[]{cost[0], cpuSeconds, seen, cost[2], cost[3]};
    }

    /** The run whose first figure (seconds) is the median of the runs' (the middle run, or the faster of two). */
    private static double[] median(double[][] runs) {
        double[][] sorted = runs.clone();
        java.util.Arrays.sort(sorted, java.util.Comparator.comparingDouble(r -> r[0]));
        return sorted[(sorted.length - 1) / 2];
    }

    /** Whether series {@code i} breaches at the end: a {@code share} of the series, spread evenly. */
    private static boolean breaches(int i, double share) {
        return Math.floor((i + 1) * share) > Math.floor(i * share);
    }

    /**
     * The floor on the same topic and machine: a bare job that reads and parses every event and discards it (Kafka
     * source + the alert job's deserializer), timed like the alert job from submission to the last event.
     *
     * <p>{@code keyed}: the least a keyed, stateful, exactly-once job does per event on top of that: the series key,
     * {@code keyBy} (a network exchange), one {@code ValueState} read and write per event, checkpoints at the alert
     * job's interval. What the alert job does beyond it is its own cost.
     */
    private static double[] floor(Cluster cluster, String bootstrap, int parallelism, long events, boolean keyed,
                                  Duration checkpoints) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        if (keyed) {
            conf.setString("execution.checkpointing.storage", "filesystem");
            conf.setString("execution.checkpointing.dir",
                    java.nio.file.Files.createTempDirectory("hubwatch-bench-keyed-floor").toUri().toString());
        }
        StreamExecutionEnvironment env = cluster.env(conf, parallelism);
        // as the alert job runs (AlertJob.wire): without reuse, each event is deep-copied between the chained source
        // and the next operator, which was 40 % of this job's source thread (JFR, 2026-12-02) and made the floor low
        env.getConfig().enableObjectReuse();
        KafkaSource<Ingested> source = KafkaSource.<Ingested>builder()
                .setBootstrapServers(bootstrap).setTopics("metrics").setGroupId(keyed ? "bench-keyed-floor" : "bench-floor")
                .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                .setDeserializer(new MetricRecordDeserializer("floor/parse", Duration.ofHours(1)))
                .build();
        SingleOutputStreamOperator<MetricEvent> parsed = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "Metrics from Kafka")
                .process(new SplitRefused()).name("Refuse malformed events");
        if (keyed) {
            env.enableCheckpointing(checkpoints.toMillis());
            parsed.map(SeriesSample::of).returns(SeriesSample.class).name("Series sample")
                    .keyBy(s -> s.series, StringKeys.TYPE)
                    .process(new CountPerSeries()).name("One state access per event")
                    .sinkTo(new DiscardingSink<>()).name("Discard");
        } else {
            parsed.sinkTo(new DiscardingSink<>()).name("Discard");
        }
        Meter meter = new Meter();
        // The clock stops when the job is finished, asked every 10 ms. execute() returned up to ~1.3 s after that:
        // the REST client waits for a job's result by polling with a growing back-off, so the floor read 1.4-1.5 s
        // or 2.7-3.0 s by where its end fell between two polls (2026-12-03: FINISHED 1.5 s after submission, and
        // execute() back at 2.7 s). The alert job's clock is its incidents consumer, which this does not touch.
        JobClient job = env.executeAsync(keyed ? "alert-throughput-keyed-floor" : "alert-throughput-floor");
        Cluster.awaitTerminal(job);
        double[] cost = meter.stop();
        job.getJobExecutionResult().get(); // a failed floor fails the benchmark
        cluster.awaitIdle();
        System.out.printf("%s: %,d events in %.1f s (%.1f CPU s, of which JIT %.1f, GC %.1f)%n",
                keyed ? "keyed floor" : "floor", events, cost[0], cost[1], cost[2], cost[3]);
        return new double[]{cost[0], cost[1]};
    }

    /**
     * What one run costs, from construction to {@link #stop}: wall-clock seconds, CPU seconds of this process, and of
     * those the JIT's and the GC's threads (see {@link #vmThreadCpuSeconds}), all read at the same two moments.
     */
    private static final class Meter {
        private final long startNanos = System.nanoTime();
        private final long cpuStartNanos = processCpuNanos();
        private final Map<String, Double> vmStart = vmThreadCpuSeconds();

        double elapsedSeconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        /** {seconds, CPU seconds, of which JIT, of which GC}. */
        double[] stop() {
            double seconds = elapsedSeconds();
            double cpuSeconds = (processCpuNanos() - cpuStartNanos) / 1e9;
            double[] vm = vmThreadCpuDelta(vmStart, vmThreadCpuSeconds());
            return new double[]{seconds, cpuSeconds, vm[0], vm[1]};
        }
    }

    /** A MiniCluster on the loopback interface, and environments that submit jobs to it through its REST API. */
    private static final class Cluster implements AutoCloseable {
        private final MiniCluster cluster;
        private final java.net.URI rest;

        private Cluster(MiniCluster cluster, java.net.URI rest) {
            this.cluster = cluster;
            this.rest = rest;
        }

        static Cluster start(int slots) throws Exception {
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            conf.set(RestOptions.ADDRESS, "127.0.0.1");
            conf.set(RestOptions.BIND_PORT, "0");
            conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
            conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
            conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
            conf.set(TaskManagerOptions.HOST, "127.0.0.1");
            MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
            cluster.start();
            try {
                return new Cluster(cluster, cluster.getRestAddress().get(30, java.util.concurrent.TimeUnit.SECONDS));
            } catch (Exception e) {
                cluster.close();
                throw e;
            }
        }

        /** An environment whose jobs go to this cluster, with {@code jobConf} (state backend, checkpoints...). */
        StreamExecutionEnvironment env(Configuration jobConf, int parallelism) {
            Configuration conf = new Configuration(jobConf);
            conf.set(DeploymentOptions.TARGET, "remote");
            conf.set(DeploymentOptions.ATTACHED, true); // the JobClient of executeAsync then also gives the job's result
            conf.set(RestOptions.ADDRESS, rest.getHost());
            conf.set(RestOptions.PORT, rest.getPort());
            conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
            return new StreamExecutionEnvironment(conf);
        }

        /** Cancels the job and waits until it is gone, so that its slots are free for the next one. */
        static void cancel(JobClient job) throws Exception {
            job.cancel().get();
            awaitTerminal(job);
        }

        /**
         * Waits until the job has ended (finished, cancelled or failed), asking every 10 ms. Not {@code execute()}:
         * through REST it returns when the client's result polling, whose back-off grows, next asks, up to ~1.3 s
         * after the end (see floor).
         */
        static void awaitTerminal(JobClient job) throws Exception {
            while (!job.getJobStatus().get().isGloballyTerminalState()) {
                Thread.sleep(10);
            }
        }

        /**
         * Waits until every slot is free again, and half a second more, so that a run does not start while the
         * previous job's tasks still close their Kafka clients and abort their transactions.
         */
        void awaitIdle() throws Exception {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                var overview = cluster.requestClusterOverview().get();
                if (overview.getNumSlotsAvailable() == overview.getNumSlotsTotal()) {
                    break;
                }
                Thread.sleep(20);
            }
            Thread.sleep(500);
        }

        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }

    /** The keyed floor's one state read and write per event. */
    private static final class CountPerSeries extends KeyedProcessFunction<String, SeriesSample, Long> {
        private transient ValueState<Long> seen;

        @Override
        public void open(OpenContext context) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.LONG));
        }

        @Override
        public void processElement(SeriesSample sample, Context ctx, Collector<Long> out) throws Exception {
            Long n = seen.value();
            seen.update(n == null ? 1 : n + 1);
        }
    }

    /** CPU time of every live thread, by thread name with subtask and pool numbers folded (id-keyed sums). */
    private static Map<String, Long> threadCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                // one key per thread (a thread that ends between the two readings is lost, which is rare in a run)
                String name = info.getThreadName().replaceAll("\\(\\d+/\\d+\\)#\\d+", "").replaceAll("-\\d+$", "-N")
                        + "#" + info.getThreadId();
                byName.put(name, nanos);
            }
        }
        return byName;
    }

    /**
     * CPU seconds of the JVM's own threads, which {@code ThreadMXBean} does not list, by thread id: {@code "jit:<tid>"}
     * for the JIT's compiler threads and {@code "gc:<tid>"} for the GC's, read from {@code /proc/self/task} (Linux;
     * empty elsewhere). They matter here: in every run of a job newly submitted to a running JVM, the compiler threads
     * took 1.3-3.2 CPU s of 6-11 (2026-12-03, six runs after two to six warm-ups): code for the job's deployment and
     * its end, and methods recompiled after deoptimization.
     */
    private static Map<String, Double> vmThreadCpuSeconds() {
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        Map<String, Double> bySort = new java.util.HashMap<>();
        if (tasks == null) {
            return bySort;
        }
        double ticks = 100; // USER_HZ, 100 on Linux for every architecture Java runs on
        for (java.io.File task : tasks) {
            try {
                String comm = java.nio.file.Files.readString(task.toPath().resolve("comm")).strip();
                String sort = comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre") ? "jit"
                        : comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "gc" : null;
                if (sort != null) {
                    String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                    // fields after the parenthesised name: state is field 3, utime 14 and stime 15
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    bySort.put(sort + ":" + task.getName(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticks);
                }
            } catch (java.io.IOException | RuntimeException e) {
                // a thread that ended while being read
            }
        }
        return bySort;
    }

    /**
     * {JIT, GC} CPU seconds between two readings of {@link #vmThreadCpuSeconds}, NaN where /proc is not there. The
     * JVM starts and stops compiler threads as their queue grows and shrinks, so a thread that ended in between is
     * not counted: the figure can only be low, never negative.
     */
    private static double[] vmThreadCpuDelta(Map<String, Double> start, Map<String, Double> end) {
        if (end.isEmpty()) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double[] delta = new double[2];
        end.forEach((key, seconds) -> delta[key.startsWith("jit:") ? 0 : 1] += seconds - start.getOrDefault(key, 0.0));
        return delta;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}

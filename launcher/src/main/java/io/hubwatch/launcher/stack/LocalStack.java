package io.hubwatch.launcher.stack;

import io.hubwatch.collector.host.HostAgent;
import io.hubwatch.collector.host.HostAgentConfig;
import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestGateway;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.jobs.alerting.AlertJob;
import io.hubwatch.jobs.alerting.AlertJobConfig;
import io.hubwatch.jobs.export.PrometheusExportConfig;
import io.hubwatch.jobs.export.PrometheusExportJob;
import io.hubwatch.jobs.anomaly.AnomalyJob;
import io.hubwatch.jobs.anomaly.AnomalyJobConfig;
import io.hubwatch.jobs.stats.BusinessStatsJob;
import io.hubwatch.jobs.stats.StatsJobConfig;
import io.hubwatch.rules.anomaly.AnomalySettings;
import io.hubwatch.launcher.alerts.UpApi;
import io.hubwatch.launcher.ingest.IngestKeys;
import io.hubwatch.launcher.stack.internal.ClusterJobs;
import io.hubwatch.launcher.stack.internal.LocalFlink;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.NotifierOptions;
import io.hubwatch.rules.Rule;
import io.hubwatch.storage.Database;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything {@code hubwatch up} runs, as one composition root: Kafka (in this JVM, data kept in
 * {@code .hubwatch/kafka}), the alerts API on PostgreSQL, one Flink MiniCluster running the alert job and the business
 * statistics job (state in {@code .hubwatch/flink}, stopped with a savepoint and restored on the next start), the ingest
 * gateway, the notifier and the host agent. Parts start in that order and stop in reverse; a part that fails to start
 * stops the ones before it.
 *
 * <p>Every listener binds to 127.0.0.1 unless {@link UpSettings#bind()} (the HTTP endpoints: API and gateway need a
 * token or key, agent and notifier serve read-only metrics) or {@link UpSettings#kafkaBind()} (no authentication)
 * says otherwise. Flink always stays on loopback: its REST API can cancel jobs and has no authentication.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(UpSettings.defaults(home).withRules(rules), out)) {
 *     System.out.println(stack.readyLine());   // READY kafka=127.0.0.1:40001 ingest=http://127.0.0.1:40003 ...
 *     signals.awaitStop();
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    /** Each job's parallelism: both jobs fit a two-core laptop with slots to spare for a restart. */
    private static final int JOB_PARALLELISM = 2;

    /** A started part, stopped by {@link #close()}. */
    private record Part(String name, AutoCloseable stop) {}

    private final Deque<Part> started = new ArrayDeque<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final List<String> warnings = new java.util.ArrayList<>();
    /** Flink's REST (and, in-process, metrics) addresses, placed in the READY line after the agent's. */
    private final Map<String, String> flinkEndpoints = new LinkedHashMap<>();
    private String kafka;

    private LocalStack() {
    }

    /** Starts every part; on failure stops what had started and rethrows. */
    public static LocalStack start(UpSettings settings, PrintWriter out) throws Exception {
        LocalStack stack = new LocalStack();
        try {
            stack.startParts(settings, out);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startParts(UpSettings s, PrintWriter out) throws Exception {
        Path state = s.stateDirectory();
        if (s.fresh()) {
            out.println("--fresh: discarding Kafka's data, the jobs' state and the notifier's state in " + state);
            discardKeptState(state);
        }
        Files.createDirectories(state);
        warnings.addAll(exposureWarnings(s));

        // 1. Kafka
        if (s.kafka() == null) {
            out.println("starting Kafka (KRaft, in this JVM; data in " + state.resolve("kafka") + ")...");
            out.flush();
            EmbeddedKafka broker = EmbeddedKafka.start(
                    EmbeddedKafka.Options.durable(state.resolve("kafka")).withAddress(s.kafkaBind(), 0));
            started.push(new Part("Kafka", broker));
            kafka = broker.bootstrapServers();
            // beside the rest of the start: only the first incident's latency depends on it, not READY
            Thread warmUp = new Thread(() -> {
                try {
                    broker.warmUpTransactions();
                } catch (RuntimeException e) {
                    LOG.info("Kafka's transaction warm-up did not complete ({}); the first incident may take ~0.1 s longer",
                            e.toString());
                }
            }, "kafka-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        } else {
            kafka = s.kafka();
        }
        EmbeddedKafka.createTopics(kafka, EmbeddedKafka.hubwatchTopics(2));

        // 2. the alerts API (null without PostgreSQL): it publishes the stored rules and silences before the job starts
        AtomicReference<Supplier<String>> alertJob = new AtomicReference<>();
        AtomicReference<Supplier<String>> statsJob = new AtomicReference<>();
        AtomicReference<Supplier<String>> anomalyJob = new AtomicReference<>();
        AtomicReference<Notifier> notifierRef = new AtomicReference<>();
        AtomicReference<IngestGateway> gatewayRef = new AtomicReference<>();
        Map<String, Supplier<String>> components = new LinkedHashMap<>();
        components.put("ingest", () -> gatewayRef.get() == null ? "STARTING" : "up at " + gatewayRef.get().address());
        components.put("stats_job", () -> statsJob.get() == null ? "STARTING" : statsJob.get().get());
        components.put("anomaly_job", () -> anomalyJob.get() == null ? "STARTING" : anomalyJob.get().get());
        UpApi api = UpApi.start(kafka, s.database(), s.bind(),
                () -> alertJob.get() == null ? "STARTING" : alertJob.get().get(),
                s.routing() == null ? null : notifierRef::get, components, out);
        Database db = null;
        if (api != null) {
            started.push(new Part("the alerts API", api));
            db = s.database();
        }
        io.hubwatch.rules.RuleSet jobRules = s.rules();
        if (api != null) {
            // PostgreSQL is the source of truth: a rule file is applied to it, and the job takes every rule from the
            // alert-rules topic (so a deleted rule stays deleted across restarts)
            if (s.rulesFile() != null) {
                api.apply(s.rules().rules());
                out.println("applied " + s.rules().rules().size() + " rule(s) from " + s.rulesFile() + " to the rule store");
            }
            jobRules = new io.hubwatch.rules.RuleSet(List.of(), s.rules().inhibitRules(), s.rules().anomalySettings());
            out.println("starting the alert job with the stored rules (see: bin/hubwatch rules list)");
        } else {
            out.println("starting the alert job with " + s.rules().rules().size() + " rule(s):");
            for (Rule r : s.rules().rules()) {
                out.println("  " + r.id() + ": " + r.describe() + " [" + r.severity().wireName() + "]");
            }
        }
        out.flush();

        // 3. Flink and the jobs: in this JVM, or submitted to an existing cluster (--flink)
        if (s.flinkCluster() != null) {
            submitToCluster(s, db, jobRules, alertJob, statsJob, anomalyJob, out);
        } else {
            runInProcess(s, db, jobRules, alertJob, statsJob, anomalyJob, out);
        }

        // 4. the ingest gateway: the server key in .hubwatch/ingest-key, the beacon-only key (for pages) in beacon-key
        String key = IngestKeys.loadOrCreate(state.resolve("ingest-key"));
        String beaconKey = IngestKeys.loadOrCreate(state.resolve("beacon-key"));
        IngestGateway gateway = IngestGateway.start(IngestConfig.of(kafka, Map.of(key, "local"))
                .withBeaconKeys(Map.of(beaconKey, "local pages")).withAddress(s.bind(), s.ingestPort()));
        started.push(new Part("the ingest gateway", gateway));
        gatewayRef.set(gateway);

        // 5. the notifier
        Notifier notifier = null;
        if (s.routing() != null) {
            int port = s.routing().httpPort();
            // what it already notified is kept, so a restart sends no second firing
            notifier = Notifier.start(s.routing().withHttp(s.bind(), port), kafka,
                    NotifierOptions.defaults().withStateDir(state.resolve("notifier")));
            started.push(new Part("the notifier", notifier));
            notifierRef.set(notifier);
        }

        // 6. the host agent
        HostAgent agent = HostAgent.start(HostAgentConfig.of(kafka).withInterval(s.agentInterval()).withHttpHost(s.bind()));
        started.push(new Part("the host agent", agent));

        endpoints.put("agent-health", agent.httpAddress() + "/health");
        endpoints.put("agent-metrics", agent.httpAddress() + "/metrics");
        endpoints.putAll(flinkEndpoints);
        endpoints.put("ingest", gateway.address().toString());
        endpoints.put("gateway-metrics", gateway.address() + "/metrics");
        if (notifier != null) {
            endpoints.put("notifier-metrics", "http://" + hostForUrl(notifier.httpAddress()) + "/metrics");
        }
        if (api != null) {
            endpoints.put("api", api.url());
            endpoints.put("api-metrics", api.url() + "/metrics");
        }
        ScrapeTargets.write(state.resolve("prometheus"), endpoints);
    }

    private void runInProcess(UpSettings s, Database db, io.hubwatch.rules.RuleSet jobRules,
                              AtomicReference<Supplier<String>> alertJob, AtomicReference<Supplier<String>> statsJob,
                              AtomicReference<Supplier<String>> anomalyJob, PrintWriter out) throws Exception {
        int flinkMetricsPort = freePort("127.0.0.1");
        LocalFlink flink = LocalFlink.start(s.stateDirectory().resolve("flink"), flinkMetricsPort, 4 * JOB_PARALLELISM);
        started.push(new Part("Flink", flink));
        flinkEndpoints.put("flink-metrics", "http://127.0.0.1:" + flinkMetricsPort + "/metrics");
        flinkEndpoints.put("flink-rest", flink.restAddress().toString());
        // the job's own defaults are up's: short checkpoints (incidents are visible when their transaction commits)
        AlertJobConfig alertConfig = AlertJobConfig.defaults(kafka);
        if (db != null) {
            alertConfig = alertConfig.withJdbc(db.jdbcUrl(), db.user(), db.password());
        }
        AlertJobConfig alerts = alertConfig;
        io.hubwatch.rules.RuleSet rules = jobRules;
        LocalFlink.Job alert = startJob(flink, AlertJob.NAME, env -> AlertJob.wire(env, alerts, rules), out);
        alertJob.set(alert::status);

        // anomaly detection in a job of its own: its detectors (~22 KB of state per scored series) are checkpointed
        // every second, not in the alert job's 200 ms checkpoints; its incidents reach the alert job's silences and
        // inhibition through the anomaly-incidents topic. On its first start it trains on the last hour of metrics.
        List<AnomalySettings> scored = AnomalyJob.optIn(rules.anomalySettings());
        out.println("starting the anomaly job (" + String.join(", ", scored.stream()
                .filter(AnomalySettings::enabled).map(AnomalySettings::metric).toList()) + ")...");
        out.flush();
        AnomalyJobConfig anomalies = anomalyConfig(kafka);
        LocalFlink.Job anomalyRun = startJob(flink, AnomalyJob.NAME, env -> AnomalyJob.wire(env, anomalies, scored), out);
        anomalyJob.set(anomalyRun::status);

        out.println("starting the business statistics job" + (db == null ? " (no PostgreSQL: no rollups)" : "") + "...");
        out.flush();
        StatsJobConfig statsConfig = StatsJobConfig.defaults(kafka);
        if (db != null) {
            statsConfig = statsConfig.withDatabase(db.jdbcUrl(), db.user(), db.password());
            BusinessStatsJob.prepareDatabase(statsConfig);
        }
        StatsJobConfig stats = statsConfig;
        LocalFlink.Job statsRun = startJob(flink, BusinessStatsJob.NAME, env -> BusinessStatsJob.wire(env, stats), out);
        statsJob.set(statsRun::status);

        if (s.remoteWrite() != null) {
            out.println("starting the Prometheus export job (remote write to " + s.remoteWrite() + ")...");
            out.flush();
            PrometheusExportConfig export = PrometheusExportConfig.defaults(kafka, s.remoteWrite());
            startJob(flink, PrometheusExportJob.NAME, env -> PrometheusExportJob.wire(env, export), out);
        }
    }

    /** The anomaly job as up runs it: checkpoints every second, and the last hour of metrics to train on at first. */
    static AnomalyJobConfig anomalyConfig(String kafka) {
        AnomalyJobConfig defaults = AnomalyJobConfig.defaults(kafka);
        return defaults.withTiming(defaults.outOfOrderness(), defaults.idleness(), ANOMALY_CHECKPOINTS)
                .withPrimeFrom(ANOMALY_PRIMING);
    }

    /**
     * The anomaly job's checkpoint interval in up: an anomaly incident reaches the incidents topic within about one
     * of these (plus the alert job's 200 ms). The job's own default, 10 s, is for fleets whose detectors are many MB.
     */
    static final Duration ANOMALY_CHECKPOINTS = Duration.ofSeconds(1);
    /** History the anomaly job trains on at its first start (a detector scores from 256 samples on). */
    static final Duration ANOMALY_PRIMING = Duration.ofHours(1);

    /**
     * {@code --flink}: the same jobs with the same settings, as their mains' options (docs/flink-jobs.md), submitted
     * with Flink's client to the cluster; each stopped with a savepoint on the way out.
     */
    private void submitToCluster(UpSettings s, Database db, io.hubwatch.rules.RuleSet jobRules,
                                 AtomicReference<Supplier<String>> alertJob, AtomicReference<Supplier<String>> statsJob,
                                 AtomicReference<Supplier<String>> anomalyJob, PrintWriter out) throws Exception {
        UpSettings.FlinkCluster target = s.flinkCluster();
        out.println("submitting the jobs to the Flink cluster at " + target.address() + " (" + target.jobJar() + ")...");
        out.flush();
        // the password travels as an environment variable of the client, never as an argument (process lists, web UI)
        Map<String, String> env = db == null || db.password() == null || db.password().isEmpty()
                ? Map.of() : Map.of("HUBWATCH_JDBC_PASSWORD", db.password());
        ClusterJobs cluster = ClusterJobs.connect(target.address(), target.host(), target.port(), target.jobJar(),
                s.stateDirectory().resolve("flink").resolve("cluster"), env);
        flinkEndpoints.put("flink-rest", "http://" + target.address());
        List<String> database = db == null ? List.of() : List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user());

        List<String> alertArgs = new java.util.ArrayList<>(List.of("--kafka", kafka));
        alertArgs.addAll(database);
        if (s.rulesFile() != null) {
            // with the rule store, the file's rules were applied to it and arrive on the topic as well
            alertArgs.addAll(List.of("--rules", s.rulesFile().toAbsolutePath().toString()));
        } else if (jobRules.rules().isEmpty()) {
            alertArgs.add("--no-default-rules"); // every rule comes from the store, through the alert-rules topic
        }
        List<String> statsArgs = new java.util.ArrayList<>(List.of("--kafka", kafka));
        statsArgs.addAll(database);
        if (db == null) {
            out.println("  (no PostgreSQL: the statistics job writes no rollups)");
        }
        Map<String, ClusterJobs.Job> jobs = new LinkedHashMap<>();
        // each submission is a client JVM that uploads the jar and waits for the job's tasks: side by side, not in turn
        Map<String, java.util.concurrent.CompletableFuture<ClusterJobs.Job>> submissions = new LinkedHashMap<>();
        submissions.put(AlertJob.NAME, submitAsync(cluster, io.hubwatch.cluster.HubwatchJob.ALERT, AlertJob.NAME, alertArgs, out));
        submissions.put(BusinessStatsJob.NAME, submitAsync(cluster, io.hubwatch.cluster.HubwatchJob.STATS,
                BusinessStatsJob.NAME, statsArgs, out));
        List<String> anomalyArgs = new java.util.ArrayList<>(List.of("--kafka", kafka,
                "--checkpoint-interval", ANOMALY_CHECKPOINTS.toMillis() + "ms",
                "--prime-from", ANOMALY_PRIMING.toMinutes() + "m"));
        if (s.rulesFile() != null) {
            anomalyArgs.addAll(List.of("--anomaly-settings", s.rulesFile().toAbsolutePath().toString()));
        }
        submissions.put(AnomalyJob.NAME, submitAsync(cluster, io.hubwatch.cluster.HubwatchJob.ANOMALY,
                AnomalyJob.NAME, anomalyArgs, out));
        if (s.remoteWrite() != null) {
            submissions.put(PrometheusExportJob.NAME, submitAsync(cluster, io.hubwatch.cluster.HubwatchJob.EXPORT,
                    PrometheusExportJob.NAME, List.of("--kafka", kafka, "--remote-write", s.remoteWrite().toString()), out));
        }
        Exception failed = null;
        for (var submission : submissions.entrySet()) {
            try {
                jobs.put(submission.getKey(), submission.getValue().join());
            } catch (java.util.concurrent.CompletionException e) {
                failed = failed != null ? failed : e.getCause() instanceof Exception cause ? cause : e;
            }
        }
        // what was submitted is stopped on the way out, all jobs at once (each stop is a client JVM too)
        started.push(new Part("the jobs on the cluster (savepoints)", () -> stopAll(jobs.values())));
        if (failed != null) {
            throw failed;
        }
        alertJob.set(jobs.get(AlertJob.NAME)::status);
        statsJob.set(jobs.get(BusinessStatsJob.NAME)::status);
        anomalyJob.set(jobs.get(AnomalyJob.NAME)::status);
    }

    private static java.util.concurrent.CompletableFuture<ClusterJobs.Job> submitAsync(
            ClusterJobs cluster, io.hubwatch.cluster.HubwatchJob job, String name, List<String> args, PrintWriter out) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return cluster.submit(job, name, args, out);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private static void stopAll(java.util.Collection<ClusterJobs.Job> jobs) throws Exception {
        List<java.util.concurrent.CompletableFuture<Void>> stops = jobs.stream()
                .map(job -> java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        job.stop();
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                })).toList();
        java.util.concurrent.CompletableFuture.allOf(stops.toArray(new java.util.concurrent.CompletableFuture[0])).join();
    }

    private LocalFlink.Job startJob(LocalFlink flink, String name, Consumer<StreamExecutionEnvironment> wiring,
                                    PrintWriter out) throws Exception {
        LocalFlink.Job job = flink.submit(name, JOB_PARALLELISM, wiring, out);
        started.push(new Part(name + " (savepoint)", job::stop));
        return job;
    }

    /** What an option that exposes a service must say: what is reachable, and what has no authentication. */
    static List<String> exposureWarnings(UpSettings s) {
        List<String> warnings = new java.util.ArrayList<>();
        if (!isLoopback(s.bind())) {
            warnings.add("--bind " + s.bind() + ": the API (token in .hubwatch/api-token) and the ingest gateway (keys in "
                    + ".hubwatch/ingest-key, beacon-key) are reachable from the network; the agent's and notifier's "
                    + "/health and /metrics need no authentication");
        }
        if (s.kafka() == null && !isLoopback(s.kafkaBind())) {
            warnings.add("--kafka-bind " + s.kafkaBind() + ": Kafka has NO authentication: anyone who reaches it can "
                    + "read every event and write rules, silences and incidents");
        }
        if (s.flinkCluster() != null && s.kafka() == null && !isLoopback(s.flinkCluster().host())
                && isLoopback(s.kafkaBind())) {
            warnings.add("--flink " + s.flinkCluster().address() + ": the jobs reach Kafka at the address up gives them, "
                    + "127.0.0.1, which a cluster on another machine cannot; give --kafka (a shared broker) or --kafka-bind");
        }
        return warnings;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static String hostForUrl(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    /** What {@code --fresh} removes: the data a restart would resume from. Keys, tokens and logs stay. */
    static void discardKeptState(Path state) throws IOException {
        for (String part : List.of("kafka", "flink", "notifier")) {
            if (Files.exists(state.resolve(part))) {
                FileUtils.deleteFileOrDirectory(state.resolve(part).toFile());
            }
        }
    }

    /** The Kafka bootstrap address. */
    public String kafka() {
        return kafka;
    }

    /** Name to URL of every HTTP endpoint, in the order of the READY line. */
    public Map<String, String> endpoints() {
        return Collections.unmodifiableMap(endpoints);
    }

    /** Warnings about options that expose a service (print them where the user sees them). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** {@code READY kafka=HOST:PORT name=URL ...}: every address this stack listens on for users. */
    public String readyLine() {
        StringBuilder ready = new StringBuilder("READY kafka=").append(kafka);
        endpoints.forEach((name, url) -> ready.append(' ').append(name).append('=').append(url));
        return ready.toString();
    }

    /** Stops the parts in reverse order of start; the jobs take a savepoint on the way. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            Part part = started.pop();
            long begin = System.nanoTime();
            try {
                part.stop().close();
                LOG.info("stopped {} in {} ms", part.name(), (System.nanoTime() - begin) / 1_000_000);
            } catch (Exception e) {
                // keep stopping the rest; the log has the details
                LOG.warn("while stopping {}", part.name(), e);
            }
        }
    }
}

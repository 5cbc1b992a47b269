package io.hubwatch.launcher;

import io.hubwatch.collector.host.HostAgent;
import io.hubwatch.collector.host.HostAgentConfig;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.jobs.alerting.AlertJob;
import io.hubwatch.jobs.alerting.AlertJobConfig;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.config.NotifierConfigException;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.storage.Database;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code hubwatch up}: everything on one machine. A real Kafka broker in this JVM (unless {@code --kafka} names one),
 * the alert job on a local Flink MiniCluster, and the host agent sampling this machine. Prints one {@code READY} line
 * naming the Kafka address and every HTTP endpoint, and stops cleanly (exit 0) on SIGTERM or Ctrl-C.
 *
 * <pre>{@code
 * bin/hubwatch up --rules my-rules.yaml
 * bin/hubwatch incidents --follow        # in another terminal
 * }</pre>
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run Kafka, the alert job and the host agent on this machine until Ctrl-C or SIGTERM.")
public final class UpCommand implements Callable<Integer> {

    @Option(names = "--rules", paramLabel = "FILE", description = "Rule file (default: the six default rules)")
    Path rulesFile;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Use this Kafka instead of starting one")
    String kafka;

    @Option(names = "--notify", paramLabel = "FILE",
            description = "Also run the notifier with this routing file (Alertmanager format)")
    Path notifyFile;

    @Option(names = "--interval", defaultValue = "10s", paramLabel = "DURATION",
            description = "How often the host agent samples this machine (default: ${DEFAULT-VALUE})")
    String interval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RuleSet rules;
        Duration sampleEvery;
        NotifierConfig routing = null;
        try {
            rules = rulesFile == null ? RuleSet.defaults() : io.hubwatch.rules.RuleFiles.read(rulesFile);
            sampleEvery = io.hubwatch.rules.Durations.parse(interval);
            if (notifyFile != null) {
                routing = NotifierConfig.load(notifyFile);
            }
        } catch (RuleFileException e) {
            e.problems().forEach(p -> spec.commandLine().getErr().println(rulesFile + ": " + p));
            return 2;
        } catch (NotifierConfigException e) {
            spec.commandLine().getErr().println("routing file " + notifyFile + " is not usable: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval: " + e.getMessage());
        }
        if (UpState.running().isPresent()) {
            spec.commandLine().getErr().println("hubwatch up: already running (pid " + UpState.running().get().pid()
                    + "); stop it first");
            return 1;
        }

        StopSignals signals = StopSignals.install(Duration.ofSeconds(30));
        List<AutoCloseable> started = new ArrayList<>();
        try {
            String bootstrap = kafka;
            if (bootstrap == null) {
                out.println("starting Kafka (KRaft, in this JVM)...");
                out.flush();
                EmbeddedKafka broker = EmbeddedKafka.start();
                started.add(broker);
                bootstrap = broker.bootstrapServers();
            }
            EmbeddedKafka.createTopics(bootstrap, EmbeddedKafka.hubwatchTopics(2));
            // the alerts API publishes the stored rules and silences before the job starts (null without PostgreSQL)
            var jobRef = new java.util.concurrent.atomic.AtomicReference<JobClient>();
            var notifierRef = new java.util.concurrent.atomic.AtomicReference<Notifier>();
            var ingestRef = new java.util.concurrent.atomic.AtomicReference<io.hubwatch.launcher.ingest.UpIngest>();
            java.util.Map<String, java.util.function.Supplier<String>> components = new java.util.LinkedHashMap<>();
            components.put("ingest", () -> ingestRef.get() == null ? "STARTING" : "up at " + ingestRef.get().url());
            components.put("stats_job", () -> ingestRef.get() == null ? "STARTING" : ingestRef.get().statsJobStatus());
            var api = io.hubwatch.launcher.alerts.UpApi.start(bootstrap, jobRef::get,
                    routing == null ? null : notifierRef::get, components, out);
            if (api != null) {
                started.add(api);
            }

            RuleSet jobRules = rules;
            if (api != null) {
                // PostgreSQL is the source of truth: a rule file is applied to it, and the job takes every rule from
                // the alert-rules topic (so a deleted rule stays deleted across restarts)
                if (rulesFile != null) {
                    api.apply(rules.rules());
                    out.println("applied " + rules.rules().size() + " rule(s) from " + rulesFile + " to the rule store");
                }
                jobRules = new RuleSet(java.util.List.of(), rules.inhibitRules());
                out.println("starting the alert job with the stored rules (see: bin/hubwatch rules list)");
            } else {
                out.println("starting the alert job with " + rules.rules().size() + " rule(s):");
                for (Rule r : rules.rules()) {
                    out.println("  " + r.id() + ": " + r.describe() + " [" + r.severity().wireName() + "]");
                }
            }
            out.flush();
            int flinkMetricsPort = freePort();
            // with the API (and so PostgreSQL, migrated), incidents are written to the incidents table too
            JobClient job = startAlertJob(bootstrap, jobRules, flinkMetricsPort, api == null ? null : Database.defaults());
            started.add(() -> job.cancel().get(20, TimeUnit.SECONDS));
            jobRef.set(job);

            HostAgent agent = HostAgent.start(HostAgentConfig.of(bootstrap).withInterval(sampleEvery));
            started.add(agent);

            Map<String, String> endpoints = new LinkedHashMap<>();
            endpoints.put("agent-health", agent.httpAddress() + "/health");
            endpoints.put("agent-metrics", agent.httpAddress() + "/metrics");
            endpoints.put("flink-metrics", "http://127.0.0.1:" + flinkMetricsPort + "/metrics");
            // issue 6: the ingest gateway and the business statistics job (rollups only with PostgreSQL, as the API)
            var ingest = io.hubwatch.launcher.ingest.UpIngest.start(bootstrap, api == null ? null : Database.defaults(), out);
            started.add(ingest);
            ingestRef.set(ingest);
            endpoints.put("ingest", ingest.url());
            if (routing != null) {
                Notifier notifier = Notifier.start(routing, bootstrap);
                started.add(notifier);
                notifierRef.set(notifier);
                endpoints.put("notifier-metrics", "http://" + notifier.httpAddress().getHostString() + ":"
                        + notifier.httpAddress().getPort() + "/metrics");
            }
            if (api != null) {
                endpoints.put("api", api.url());
            }
            new UpState(ProcessHandle.current().pid(), bootstrap, endpoints, Instant.now().toString()).write();

            StringBuilder ready = new StringBuilder("READY kafka=").append(bootstrap);
            endpoints.forEach((name, url) -> ready.append(' ').append(name).append('=').append(url));
            out.println(ready);
            out.println("incidents: bin/hubwatch incidents --follow    stop: Ctrl-C");
            out.flush();

            signals.awaitStop();
            out.println("stopping...");
            out.flush();
            return 0;
        } finally {
            UpState.remove();
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    // keep stopping the rest; the log has the details
                    org.slf4j.LoggerFactory.getLogger(UpCommand.class).warn("while stopping", e);
                }
            }
            out.println("stopped");
            out.flush();
            signals.finished();
        }
    }

    private static JobClient startAlertJob(String bootstrap, RuleSet rules, int metricsPort, Database db) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        conf.setString("metrics.reporter.prom.host", "127.0.0.1");
        // checkpoints on disk: the JobManager's in-memory storage caps state at 5 MB, which CEP outgrows quickly
        conf.setString("execution.checkpointing.storage", "filesystem");
        conf.setString("execution.checkpointing.dir",
                UpState.home().resolve(".hubwatch").resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        // short checkpoints: incidents become visible (committed) within a couple of seconds
        AlertJobConfig config = AlertJobConfig.defaults(bootstrap)
                .withTiming(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2));
        if (db != null) {
            config = config.withJdbc(db.jdbcUrl(), db.user(), db.password());
        }
        AlertJob.wire(env, config, rules);
        JobClient job = env.executeAsync(AlertJob.NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                return job;
            }
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the alert job stopped while starting: " + status);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the alert job did not start within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package io.hubwatch.launcher;

import io.hubwatch.cluster.HubwatchJob;
import io.hubwatch.launcher.stack.LocalStack;
import io.hubwatch.launcher.stack.UpSettings;
import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.config.NotifierConfigException;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.storage.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch up}: everything on one machine, as {@link LocalStack} composes it. Kafka in this JVM (unless
 * {@code --kafka} names one), the alert and statistics jobs on a local Flink, the alerts API, the ingest gateway, the
 * host agent and optionally the notifier, all on 127.0.0.1 and with their state kept in {@code .hubwatch/} across
 * restarts. Prints one {@code READY} line naming every address, and stops cleanly (jobs with a savepoint, exit 0) on
 * SIGTERM or Ctrl-C.
 *
 * <pre>{@code
 * bin/hubwatch up --rules my-rules.yaml
 * bin/hubwatch incidents --follow        # in another terminal
 * }</pre>
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run Kafka, the jobs, the API, the ingest gateway and the host agent on this machine until Ctrl-C "
                + "or SIGTERM. State (Kafka's data, the jobs' savepoints) is kept in .hubwatch/ across restarts.")
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
    Duration interval;

    @Option(names = "--bind", defaultValue = UpSettings.LOOPBACK, paramLabel = "ADDR",
            description = "Address of the HTTP endpoints: API (needs its token), ingest gateway (needs an ingest key), "
                    + "agent and notifier /metrics (no authentication). Flink always stays on 127.0.0.1 "
                    + "(default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--kafka-bind", defaultValue = UpSettings.LOOPBACK, paramLabel = "ADDR",
            description = "Address of the embedded Kafka's client listener. Kafka has NO authentication: anyone who "
                    + "reaches it can write rules, silences and incidents (default: ${DEFAULT-VALUE})")
    String kafkaBind;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = Database.DEFAULT_URL,
            description = "PostgreSQL for rules, silences, incidents and rollups, user postgres "
                    + "(default: ${DEFAULT-VALUE})")
    String db;

    @Option(names = "--fresh", description = "Discard the kept state (Kafka's data, the jobs' savepoints, the "
            + "notifier's pending notifications) and start clean")
    boolean fresh;

    @Option(names = "--remote-write", paramLabel = "URL", defaultValue = "${env:HUBWATCH_REMOTE_WRITE}",
            description = "Also run the Prometheus export job, writing every metric and alert state to this "
                    + "remote-write URL, e.g. http://127.0.0.1:9090/api/v1/write (env HUBWATCH_REMOTE_WRITE)")
    String remoteWrite;

    @Option(names = "--flink", paramLabel = "HOST:PORT",
            description = "Submit the jobs to this Flink cluster (its REST address, e.g. what `hubwatch cluster up` "
                    + "prints) instead of running Flink in this process; they stop with a savepoint on Ctrl-C and "
                    + "resume from it on the next start")
    String flink;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        UpSettings settings;
        try {
            settings = settings();
        } catch (RuleFileException e) {
            e.problems().forEach(p -> err.println(rulesFile + ": " + p));
            return 2;
        } catch (NotifierConfigException e) {
            err.println("routing file " + notifyFile + " is not usable: " + e.getMessage());
            return 2;
        }
        if (UpState.running().isPresent()) {
            err.println("hubwatch up: already running (pid " + UpState.running().get().pid() + "); stop it first");
            return 1;
        }

        // a savepoint per job on the way out takes a few seconds
        StopSignals signals = StopSignals.install(Duration.ofSeconds(90));
        try (LocalStack stack = LocalStack.start(settings, out)) {
            new UpState(ProcessHandle.current().pid(), stack.kafka(), stack.endpoints(), Instant.now().toString()).write();
            stack.warnings().forEach(w -> err.println("WARNING: " + w));
            err.flush();
            out.println(stack.readyLine());
            out.println("incidents: bin/hubwatch incidents --follow    stop: Ctrl-C");
            out.flush();

            signals.awaitStop();
            out.println("stopping (the jobs take a savepoint)...");
            out.flush();
        } finally {
            UpState.remove();
            out.println("stopped");
            out.flush();
            signals.finished();
        }
        return 0;
    }

    /** The shaded job jar {@code --flink} submits: {@code -Dhubwatch.jobJar}, else the build's in the hubwatch home. */
    private static Path jobJar() {
        String given = System.getProperty("hubwatch.jobJar");
        if (given != null) {
            return Path.of(given);
        }
        try {
            return HubwatchJob.jobJar(UpState.home());
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--flink: " + e.getMessage());
        }
    }

    private UpSettings settings() throws RuleFileException {
        if (!db.startsWith("jdbc:postgresql:")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--db '" + db + "' is not a PostgreSQL JDBC URL such as " + Database.DEFAULT_URL);
        }
        RuleSet rules = rulesFile == null ? RuleSet.defaults() : RuleFiles.read(rulesFile);
        NotifierConfig routing = notifyFile == null ? null : NotifierConfig.load(notifyFile);
        int ingestPort;
        try {
            ingestPort = Integer.parseInt(System.getenv().getOrDefault("HUBWATCH_INGEST_PORT", "0"));
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "HUBWATCH_INGEST_PORT '" + System.getenv("HUBWATCH_INGEST_PORT") + "' is not a port number");
        }
        try {
            return UpSettings.defaults(UpState.home())
                    .withFresh(fresh)
                    .withBind(bind, kafkaBind)
                    .withKafka(kafka)
                    .withDatabase(Database.of(db, "postgres", ""))
                    .withRules(rules, rulesFile)
                    .withRouting(routing)
                    .withAgentInterval(interval)
                    .withIngestPort(ingestPort)
                    .withRemoteWrite(remoteWrite == null || remoteWrite.isBlank() ? null : java.net.URI.create(remoteWrite.strip()))
                    .withFlinkCluster(flink == null ? null : new UpSettings.FlinkCluster(flink.strip(), jobJar()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}

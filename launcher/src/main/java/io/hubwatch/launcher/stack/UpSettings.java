package io.hubwatch.launcher.stack;

import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.storage.Database;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link LocalStack} runs and where, checked up front. Defaults: state in {@code <home>/.hubwatch}, kept across
 * restarts; every listener on 127.0.0.1; Kafka in this JVM; PostgreSQL {@code hubwatch} on 127.0.0.1:5432; the six
 * default rules; no notifier; the host agent sampling every 10 s.
 *
 * <pre>{@code
 * UpSettings settings = UpSettings.defaults(Path.of(System.getProperty("user.dir")))
 *         .withRules(RuleFiles.read(file), file).withDatabase(Database.defaults().withDatabaseName("mine"));
 * }</pre>
 *
 * @param home          the directory whose {@code .hubwatch/} holds Kafka's data, the jobs' state, keys and tokens
 * @param fresh         discard the kept state (Kafka, jobs, notifier) before starting
 * @param bind          address of the HTTP endpoints (API, ingest gateway, agent, notifier)
 * @param kafkaBind     address of the embedded broker's client listener (its controller always stays on loopback)
 * @param kafka         an existing Kafka to use instead of the embedded one; null for the embedded one
 * @param database      PostgreSQL for rules, silences, incidents and rollups (used when it answers)
 * @param rules         the initial rules
 * @param rulesFile     where {@code rules} came from; null for the defaults
 * @param routing       the notifier's routing; null for no notifier
 * @param agentInterval how often the host agent samples this machine
 * @param ingestPort    the ingest gateway's port; 0 for any free one
 * @param remoteWrite   a Prometheus remote-write URL: the export job writes every metric and alert state there; null
 *                      runs no export job
 * @param flinkCluster  an existing Flink cluster to submit the jobs to instead of the in-process one; null for the
 *                      in-process one
 */
public record UpSettings(Path home, boolean fresh, String bind, String kafkaBind, String kafka, Database database,
                         RuleSet rules, Path rulesFile, NotifierConfig routing, Duration agentInterval, int ingestPort,
                         java.net.URI remoteWrite, FlinkCluster flinkCluster) {

    public static final String LOOPBACK = "127.0.0.1";

    public UpSettings {
        if (home == null) {
            throw new IllegalArgumentException("the hubwatch home must be given");
        }
        if (bind == null || bind.isBlank() || kafkaBind == null || kafkaBind.isBlank()) {
            throw new IllegalArgumentException("bind addresses must not be empty");
        }
        if (agentInterval.isNegative() || agentInterval.isZero()) {
            throw new IllegalArgumentException("the agent's interval must be positive, was " + agentInterval);
        }
        if (remoteWrite != null && !"http".equals(remoteWrite.getScheme()) && !"https".equals(remoteWrite.getScheme())) {
            throw new IllegalArgumentException("--remote-write must be an http:// or https:// URL, was " + remoteWrite);
        }
        if (ingestPort < 0 || ingestPort > 65_535) {
            throw new IllegalArgumentException("the ingest port must be 0..65535, was " + ingestPort);
        }
    }

    public static UpSettings defaults(Path home) {
        return new UpSettings(home, false, LOOPBACK, LOOPBACK, null, Database.defaults(), RuleSet.defaults(), null, null,
                Duration.ofSeconds(10), 0, null, null);
    }

    /** {@code <home>/.hubwatch}. */
    public Path stateDirectory() {
        return home.resolve(".hubwatch");
    }

    public UpSettings withFresh(boolean discard) {
        return new UpSettings(home, discard, bind, kafkaBind, kafka, database, rules, rulesFile, routing, agentInterval, ingestPort, remoteWrite, flinkCluster);
    }

    public UpSettings withBind(String http, String kafkaListener) {
        return new UpSettings(home, fresh, http, kafkaListener, kafka, database, rules, rulesFile, routing, agentInterval, ingestPort, remoteWrite, flinkCluster);
    }

    public UpSettings withKafka(String bootstrap) {
        return new UpSettings(home, fresh, bind, kafkaBind, bootstrap, database, rules, rulesFile, routing, agentInterval, ingestPort, remoteWrite, flinkCluster);
    }

    public UpSettings withDatabase(Database db) {
        return new UpSettings(home, fresh, bind, kafkaBind, kafka, db, rules, rulesFile, routing, agentInterval, ingestPort, remoteWrite, flinkCluster);
    }

    public UpSettings withRules(RuleSet ruleSet, Path file) {
        return new UpSettings(home, fresh, bind, kafkaBind, kafka, database, ruleSet, file, routing, agentInterval, ingestPort, remoteWrite, flinkCluster);
    }

    public UpSettings withRouting(NotifierConfig config) {
        return new UpSettings(home, fresh, bind, kafkaBind, kafka, database, rules, rulesFile, config, agentInterval, ingestPort, remoteWrite, flinkCluster);
    }

    public UpSettings withAgentInterval(Duration interval) {
        return new UpSettings(home, fresh, bind, kafkaBind, kafka, database, rules, rulesFile, routing, interval, ingestPort, remoteWrite, flinkCluster);
    }

    public UpSettings withIngestPort(int port) {
        return new UpSettings(home, fresh, bind, kafkaBind, kafka, database, rules, rulesFile, routing, agentInterval, port, remoteWrite, flinkCluster);
    }

    public UpSettings withRemoteWrite(java.net.URI url) {
        return new UpSettings(home, fresh, bind, kafkaBind, kafka, database, rules, rulesFile, routing, agentInterval,
                ingestPort, url, flinkCluster);
    }

    /** Submits the jobs to this cluster (its REST address) with this job jar, instead of running Flink in-process. */
    public UpSettings withFlinkCluster(FlinkCluster cluster) {
        return new UpSettings(home, fresh, bind, kafkaBind, kafka, database, rules, rulesFile, routing, agentInterval,
                ingestPort, remoteWrite, cluster);
    }

    /**
     * A running Flink cluster and the job jar to submit to it.
     *
     * @param address its REST endpoint, {@code HOST:PORT} (what {@code hubwatch cluster up} prints)
     * @param jobJar  the shaded job jar ({@code flink-jobs/target/flink-jobs-*-job.jar})
     */
    public record FlinkCluster(String address, Path jobJar) {
        public FlinkCluster {
            int colon = address == null ? -1 : address.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(address.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("--flink must be HOST:PORT, the cluster's REST address (what "
                        + "`hubwatch cluster up` prints), was '" + address + "'");
            }
            if (jobJar == null || !java.nio.file.Files.isRegularFile(jobJar)) {
                throw new IllegalArgumentException("--flink: no job jar at " + jobJar
                        + "; build it with mvn -pl flink-jobs -am package");
            }
        }

        public String host() {
            return address.substring(0, address.lastIndexOf(':'));
        }

        public int port() {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }
    }
}

package io.hubwatch.jobs.alerting;

import static io.hubwatch.jobs.JobArgs.require;

import io.hubwatch.events.Topics;
import io.hubwatch.jobs.KafkaSettings;
import io.hubwatch.jobs.alerting.internal.FlapControl;
import io.hubwatch.jobs.JobArgs;
import io.hubwatch.jobs.JobOption;
import io.hubwatch.jobs.SharedOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The alert job's settings, parsed once from the command line with defaults, checked up front.
 *
 * <pre>{@code
 * flink run -c io.hubwatch.jobs.alerting.AlertJob flink-jobs-job.jar --kafka kafka:9092 --rules /etc/hubwatch/rules.yaml \
 *     --jdbc-url jdbc:postgresql://db:5432/hubwatch --jdbc-password-file /etc/hubwatch/pg-password
 * }</pre>
 *
 * @param rulesFile       initial rules; null for none (rules then come only from the {@code alert-rules} topic) — see
 *                        {@link AlertJob#loadRules}
 * @param outOfOrderness  how far behind the newest event an event may arrive and still count (the allowed lateness)
 * @param idleness        a partition silent this long stops holding back the watermark
 * @param maxFutureSkew   events further ahead of the clock are refused
 * @param maxFor          the longest {@code for} a rule may have (bounds CEP state)
 * @param anomalyIncidentsTopic where the anomaly job writes its incidents: this job reads them (committed only) into
 *                        its silences and inhibition and passes them on to {@code incidentsTopic}
 * @param jdbcUrl         PostgreSQL for the incidents table; null: incidents go to Kafka only
 */
public record AlertJobConfig(
        KafkaSettings kafka,
        Path rulesFile,
        boolean defaultRules,
        String metricsTopic,
        String incidentsTopic,
        String deadLetterTopic,
        String rulesTopic,
        String silencesTopic,
        String anomalyIncidentsTopic,
        String groupId,
        String transactionalIdPrefix,
        Duration outOfOrderness,
        Duration idleness,
        Duration checkpointInterval,
        Duration maxFutureSkew,
        Duration maxFor,
        FlapControl flapControl,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword) {

    /** The brokers alone (the extra client properties are in {@link #kafka()}). */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public AlertJobConfig {
        require(kafka != null, "--kafka is required (host:port of a broker)");
        require(!outOfOrderness.isNegative(), "--out-of-orderness must not be negative, was " + outOfOrderness);
        require(!idleness.isNegative() && !idleness.isZero(), "--idleness must be positive, was " + idleness);
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + checkpointInterval);
        require(!maxFutureSkew.isNegative(), "--max-future-skew must not be negative, was " + maxFutureSkew);
        require(!maxFor.isNegative() && !maxFor.isZero(), "--max-for must be positive, was " + maxFor);
        require(jdbcUrl == null || jdbcUrl.startsWith("jdbc:postgresql:"),
                "--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), was " + jdbcUrl);
    }

    /**
     * Defaults for a broker: the default rules, topics from {@link Topics}, 5 s out-of-orderness (it delays only the
     * timers: no-data, {@code keep_firing_for}, flap windows), 10 s idleness, 200 ms checkpoints, {@code for} up to 1 h,
     * flap control at more than 2 changes in 10 min, no JDBC sink.
     *
     * <p>200 ms checkpoints: incidents go out in a Kafka transaction that commits when the checkpoint completes, so the
     * interval bounds how long a {@code read_committed} reader waits for an incident (half of it on average, plus the
     * checkpoint itself). The job's state is small, and measured at this interval it keeps incidents under a second
     * (benchmarks/results/alert-latency.md).
     */
    public static AlertJobConfig defaults(String bootstrapServers) {
        // the defaults are the declared options' defaults, so they are written in one place only
        return fromArgs(new String[]{"--" + SharedOptions.KAFKA.name(), bootstrapServers}, Map.of());
    }

    /** Initial rules from this file instead of the defaults. */
    public AlertJobConfig withRulesFile(Path file) {
        return new AlertJobConfig(kafka, file, false, metricsTopic, incidentsTopic, deadLetterTopic, rulesTopic,
                silencesTopic, anomalyIncidentsTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    /** No initial rules: every rule comes from the {@code alert-rules} topic (as when the API manages them). */
    public AlertJobConfig withoutInitialRules() {
        return new AlertJobConfig(kafka, null, false, metricsTopic, incidentsTopic, deadLetterTopic, rulesTopic,
                silencesTopic, anomalyIncidentsTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withTopics(String metrics, String incidents, String deadLetter) {
        return new AlertJobConfig(kafka, rulesFile, defaultRules, metrics, incidents, deadLetter, rulesTopic,
                silencesTopic, anomalyIncidentsTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withControlTopics(String rules, String silences) {
        return new AlertJobConfig(kafka, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rules, silences, anomalyIncidentsTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    /** The topic the anomaly job writes its incidents to (see {@link #anomalyIncidentsTopic()}). */
    public AlertJobConfig withAnomalyIncidentsTopic(String topic) {
        return new AlertJobConfig(kafka, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, topic, groupId, transactionalIdPrefix, outOfOrderness, idleness,
                checkpointInterval, maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withGroup(String group, String transactionalPrefix) {
        return new AlertJobConfig(kafka, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, anomalyIncidentsTopic, group, transactionalPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withTiming(Duration outOfOrderness, Duration idleness, Duration checkpointInterval) {
        return new AlertJobConfig(kafka, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, anomalyIncidentsTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withJdbc(String url, String user, String password) {
        return new AlertJobConfig(kafka, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, anomalyIncidentsTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, url, user, password);
    }

    public AlertJobConfig withKafka(KafkaSettings settings) {
        return new AlertJobConfig(settings, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, anomalyIncidentsTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    static final JobOption<Path> RULES = JobOption.file("rules", "initial rules file (instead of the default rules)");
    static final JobOption<Boolean> NO_DEFAULT_RULES =
            JobOption.flag("no-default-rules", "start without rules: every rule comes from the rules topic");
    static final JobOption<String> RULES_TOPIC = JobOption.text("rules-topic", Topics.ALERT_RULES, "rule changes topic");
    static final JobOption<String> SILENCES_TOPIC =
            JobOption.text("silences-topic", Topics.ALERT_SILENCES, "silence changes topic");
    static final JobOption<String> ANOMALY_INCIDENTS_TOPIC = JobOption.text("anomaly-incidents-topic",
            Topics.ANOMALY_INCIDENTS, "the anomaly job's incidents, read (committed only) into silences and inhibition");
    static final JobOption<String> GROUP_ID = SharedOptions.GROUP_ID.withDefault("hubwatch-alert-job");
    static final JobOption<String> TRANSACTIONAL_ID_PREFIX = JobOption.text("transactional-id-prefix",
            "hubwatch-alert-job", "prefix of the incidents sink's Kafka transactional ids (unique per job)");
    /**
     * 200 ms, not the shared 10 s: incidents go out in a Kafka transaction that commits when the checkpoint completes,
     * so the interval bounds how long a {@code read_committed} reader waits for an incident.
     */
    static final JobOption<Duration> CHECKPOINT_INTERVAL = SharedOptions.CHECKPOINT_INTERVAL.withDefault(Duration.ofMillis(200));
    static final JobOption<Duration> MAX_FOR =
            JobOption.duration("max-for", Duration.ofHours(1), "the longest 'for' a rule may have (bounds state)");
    static final JobOption<Integer> FLAP_CHANGES = JobOption.integer("flap-changes", FlapControl.defaults().maxChanges(),
            "an alert changing state more often than this within --flap-window is held as flapping");
    static final JobOption<Duration> FLAP_WINDOW =
            JobOption.duration("flap-window", FlapControl.defaults().window(), "the flap-control window");

    /** Every option the alert job accepts, in usage order. */
    public static final List<JobOption<?>> OPTIONS = SharedOptions.with(SharedOptions.KAFKA_OPTIONS,
            List.of(RULES, NO_DEFAULT_RULES, SharedOptions.METRICS_TOPIC, SharedOptions.INCIDENTS_TOPIC,
                    SharedOptions.DEAD_LETTER_TOPIC, RULES_TOPIC, SILENCES_TOPIC, ANOMALY_INCIDENTS_TOPIC, GROUP_ID, TRANSACTIONAL_ID_PREFIX),
            List.of(SharedOptions.OUT_OF_ORDERNESS, SharedOptions.IDLENESS, CHECKPOINT_INTERVAL),
            List.of(SharedOptions.MAX_FUTURE_SKEW, MAX_FOR, FLAP_CHANGES, FLAP_WINDOW),
            SharedOptions.JDBC_OPTIONS);

    /** {@link #fromArgs(String[], Map)} with this process's environment. */
    public static AlertJobConfig fromArgs(String[] args) {
        return fromArgs(args, System.getenv());
    }

    /**
     * Parses {@link #OPTIONS}; the PostgreSQL password comes from {@code --jdbc-password-file} or the environment.
     *
     * @throws IllegalArgumentException naming the bad option and value, with the usage
     */
    public static AlertJobConfig fromArgs(String[] args, Map<String, String> env) {
        JobArgs a = JobArgs.parse(args, env, "alert job", OPTIONS);
        FlapControl flap;
        try {
            flap = new FlapControl(a.get(FLAP_CHANGES), a.get(FLAP_WINDOW));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--flap-changes/--flap-window: " + e.getMessage());
        }
        return new AlertJobConfig(
                a.kafka(),
                a.get(RULES),
                !a.has(RULES) && !a.get(NO_DEFAULT_RULES),
                a.get(SharedOptions.METRICS_TOPIC),
                a.get(SharedOptions.INCIDENTS_TOPIC),
                a.get(SharedOptions.DEAD_LETTER_TOPIC),
                a.get(RULES_TOPIC),
                a.get(SILENCES_TOPIC),
                a.get(ANOMALY_INCIDENTS_TOPIC),
                a.get(GROUP_ID),
                a.get(TRANSACTIONAL_ID_PREFIX),
                a.get(SharedOptions.OUT_OF_ORDERNESS),
                a.get(SharedOptions.IDLENESS),
                a.get(CHECKPOINT_INTERVAL),
                a.get(SharedOptions.MAX_FUTURE_SKEW),
                a.get(MAX_FOR),
                flap,
                a.get(SharedOptions.JDBC_URL),
                a.get(SharedOptions.JDBC_USER),
                SharedOptions.jdbcPassword(a));
    }
}

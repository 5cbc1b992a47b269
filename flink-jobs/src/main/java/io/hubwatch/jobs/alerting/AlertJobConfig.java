package io.hubwatch.jobs.alerting;

import static io.hubwatch.jobs.JobArgs.duration;
import static io.hubwatch.jobs.JobArgs.require;

import io.hubwatch.events.Topics;
import io.hubwatch.jobs.alerting.internal.FlapControl;
import org.apache.flink.util.ParameterTool;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The alert job's settings, parsed once from the command line with defaults, checked up front.
 *
 * <pre>{@code
 * flink run hubwatch-flink-jobs-job.jar --kafka kafka:9092 --rules /etc/hubwatch/rules.yaml \
 *     --jdbc-url jdbc:postgresql://db:5432/hubwatch --checkpoint-interval 10s
 * }</pre>
 *
 * @param rulesFile       initial rules; null for none (rules then come only from the {@code alert-rules} topic) — see
 *                        {@link AlertJob#loadRules}
 * @param outOfOrderness  how far behind the newest event an event may arrive and still count (the allowed lateness)
 * @param idleness        a partition silent this long stops holding back the watermark
 * @param maxFutureSkew   events further ahead of the clock are refused
 * @param maxFor          the longest {@code for} a rule may have (bounds CEP state)
 * @param jdbcUrl         PostgreSQL for the incidents table; null: incidents go to Kafka only
 */
public record AlertJobConfig(
        String bootstrapServers,
        Path rulesFile,
        boolean defaultRules,
        String metricsTopic,
        String incidentsTopic,
        String deadLetterTopic,
        String rulesTopic,
        String silencesTopic,
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

    public AlertJobConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "--kafka is required (host:port of a broker)");
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
        return new AlertJobConfig(bootstrapServers, null, true, Topics.METRICS, Topics.INCIDENTS, Topics.DEAD_LETTER,
                Topics.ALERT_RULES, Topics.ALERT_SILENCES, "hubwatch-alert-job", "hubwatch-alert-job",
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofHours(1),
                Duration.ofHours(1), FlapControl.defaults(), null, "postgres", "");
    }

    /** Initial rules from this file instead of the defaults. */
    public AlertJobConfig withRulesFile(Path file) {
        return new AlertJobConfig(bootstrapServers, file, false, metricsTopic, incidentsTopic, deadLetterTopic, rulesTopic,
                silencesTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    /** No initial rules: every rule comes from the {@code alert-rules} topic (as when the API manages them). */
    public AlertJobConfig withoutInitialRules() {
        return new AlertJobConfig(bootstrapServers, null, false, metricsTopic, incidentsTopic, deadLetterTopic, rulesTopic,
                silencesTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withTopics(String metrics, String incidents, String deadLetter) {
        return new AlertJobConfig(bootstrapServers, rulesFile, defaultRules, metrics, incidents, deadLetter, rulesTopic,
                silencesTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withControlTopics(String rules, String silences) {
        return new AlertJobConfig(bootstrapServers, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rules, silences, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withGroup(String group, String transactionalPrefix) {
        return new AlertJobConfig(bootstrapServers, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, group, transactionalPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withTiming(Duration outOfOrderness, Duration idleness, Duration checkpointInterval) {
        return new AlertJobConfig(bootstrapServers, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, jdbcUrl, jdbcUser, jdbcPassword);
    }

    public AlertJobConfig withJdbc(String url, String user, String password) {
        return new AlertJobConfig(bootstrapServers, rulesFile, defaultRules, metricsTopic, incidentsTopic, deadLetterTopic,
                rulesTopic, silencesTopic, groupId, transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval,
                maxFutureSkew, maxFor, flapControl, url, user, password);
    }

    /**
     * Parses {@code --kafka --rules --no-default-rules --metrics-topic --incidents-topic --dead-letter-topic
     * --rules-topic --silences-topic --group-id --transactional-id-prefix --out-of-orderness --idleness
     * --checkpoint-interval --max-future-skew --max-for --flap-changes --flap-window --jdbc-url --jdbc-user
     * --jdbc-password}.
     *
     * @throws IllegalArgumentException naming the bad option and value
     */
    public static AlertJobConfig fromArgs(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        AlertJobConfig d = defaults(p.get("kafka", "localhost:9092"));
        int flapChanges;
        try {
            flapChanges = Integer.parseInt(p.get("flap-changes", Integer.toString(d.flapControl().maxChanges())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--flap-changes must be a whole number, was " + p.get("flap-changes"));
        }
        FlapControl flap;
        try {
            flap = new FlapControl(flapChanges, duration(p, "flap-window", d.flapControl().window()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--flap-changes/--flap-window: " + e.getMessage());
        }
        return new AlertJobConfig(
                p.get("kafka", d.bootstrapServers()),
                p.has("rules") ? Path.of(p.get("rules")) : null,
                !p.has("rules") && !p.has("no-default-rules"),
                p.get("metrics-topic", d.metricsTopic()),
                p.get("incidents-topic", d.incidentsTopic()),
                p.get("dead-letter-topic", d.deadLetterTopic()),
                p.get("rules-topic", d.rulesTopic()),
                p.get("silences-topic", d.silencesTopic()),
                p.get("group-id", d.groupId()),
                p.get("transactional-id-prefix", d.transactionalIdPrefix()),
                duration(p, "out-of-orderness", d.outOfOrderness()),
                duration(p, "idleness", d.idleness()),
                duration(p, "checkpoint-interval", d.checkpointInterval()),
                duration(p, "max-future-skew", d.maxFutureSkew()),
                duration(p, "max-for", d.maxFor()),
                flap,
                p.get("jdbc-url", null),
                p.get("jdbc-user", d.jdbcUser()),
                p.get("jdbc-password", d.jdbcPassword()));
    }
}

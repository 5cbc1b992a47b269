package io.hubwatch.jobs.alerting;

import io.hubwatch.events.Topics;
import io.hubwatch.rules.Durations;
import org.apache.flink.util.ParameterTool;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The alert job's settings, parsed once from the command line with defaults, checked up front.
 *
 * <pre>{@code
 * flink run hubwatch-flink-jobs-job.jar --kafka kafka:9092 --rules /etc/hubwatch/rules.yaml --checkpoint-interval 10s
 * }</pre>
 *
 * @param rulesFile          the rule file; null for the default rules
 * @param outOfOrderness     how far behind the newest event an event may arrive and still count (the allowed lateness)
 * @param idleness           a partition silent this long stops holding back the watermark
 * @param maxFutureSkew      events further ahead of the clock are refused
 */
public record AlertJobConfig(
        String bootstrapServers,
        Path rulesFile,
        String metricsTopic,
        String incidentsTopic,
        String deadLetterTopic,
        String groupId,
        String transactionalIdPrefix,
        Duration outOfOrderness,
        Duration idleness,
        Duration checkpointInterval,
        Duration maxFutureSkew) {

    public AlertJobConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "--kafka is required (host:port of a broker)");
        require(!outOfOrderness.isNegative(), "--out-of-orderness must not be negative, was " + outOfOrderness);
        require(!idleness.isNegative() && !idleness.isZero(), "--idleness must be positive, was " + idleness);
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + checkpointInterval);
        require(!maxFutureSkew.isNegative(), "--max-future-skew must not be negative, was " + maxFutureSkew);
    }

    /** Defaults for a broker: topics from {@link Topics}, 5 s out-of-orderness, 10 s idleness, 10 s checkpoints. */
    public static AlertJobConfig defaults(String bootstrapServers) {
        return new AlertJobConfig(bootstrapServers, null, Topics.METRICS, Topics.INCIDENTS, Topics.DEAD_LETTER,
                "hubwatch-alert-job", "hubwatch-alert-job", Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofHours(1));
    }

    public AlertJobConfig withRulesFile(Path file) {
        return new AlertJobConfig(bootstrapServers, file, metricsTopic, incidentsTopic, deadLetterTopic, groupId,
                transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval, maxFutureSkew);
    }

    public AlertJobConfig withTopics(String metrics, String incidents, String deadLetter) {
        return new AlertJobConfig(bootstrapServers, rulesFile, metrics, incidents, deadLetter, groupId,
                transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval, maxFutureSkew);
    }

    public AlertJobConfig withGroup(String group, String transactionalPrefix) {
        return new AlertJobConfig(bootstrapServers, rulesFile, metricsTopic, incidentsTopic, deadLetterTopic, group,
                transactionalPrefix, outOfOrderness, idleness, checkpointInterval, maxFutureSkew);
    }

    public AlertJobConfig withTiming(Duration outOfOrderness, Duration idleness, Duration checkpointInterval) {
        return new AlertJobConfig(bootstrapServers, rulesFile, metricsTopic, incidentsTopic, deadLetterTopic, groupId,
                transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval, maxFutureSkew);
    }

    /**
     * Parses {@code --kafka --rules --metrics-topic --incidents-topic --dead-letter-topic --group-id
     * --transactional-id-prefix --out-of-orderness --idleness --checkpoint-interval --max-future-skew}.
     *
     * @throws IllegalArgumentException naming the bad option and value
     */
    public static AlertJobConfig fromArgs(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        AlertJobConfig d = defaults(p.get("kafka", "localhost:9092"));
        return new AlertJobConfig(
                p.get("kafka", d.bootstrapServers()),
                p.has("rules") ? Path.of(p.get("rules")) : null,
                p.get("metrics-topic", d.metricsTopic()),
                p.get("incidents-topic", d.incidentsTopic()),
                p.get("dead-letter-topic", d.deadLetterTopic()),
                p.get("group-id", d.groupId()),
                p.get("transactional-id-prefix", d.transactionalIdPrefix()),
                duration(p, "out-of-orderness", d.outOfOrderness()),
                duration(p, "idleness", d.idleness()),
                duration(p, "checkpoint-interval", d.checkpointInterval()),
                duration(p, "max-future-skew", d.maxFutureSkew()));
    }

    private static Duration duration(ParameterTool p, String name, Duration fallback) {
        if (!p.has(name)) {
            return fallback;
        }
        try {
            return Durations.parse(p.get(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

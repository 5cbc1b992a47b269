package io.hubwatch.jobs.anomaly;

import static io.hubwatch.jobs.JobArgs.duration;
import static io.hubwatch.jobs.JobArgs.require;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hubwatch.events.Topics;
import io.hubwatch.rules.anomaly.AnomalySettings;
import org.apache.flink.util.ParameterTool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The anomaly job's settings, parsed once from the command line with defaults, checked up front.
 *
 * <pre>{@code
 * flink run -c io.hubwatch.jobs.anomaly.AnomalyJob flink-jobs-job.jar --kafka kafka:9092 \
 *     --anomaly-settings /etc/hubwatch/rules.yaml --prime-from 7d
 * }</pre>
 *
 * @param settingsFile       a YAML file with an {@code anomaly:} list of {@link AnomalySettings}; null for defaults
 * @param primeFrom          on a first start, read this much metric history to train models silently; null = none
 * @param outOfOrderness     how far behind the newest event an event may arrive
 * @param silence            a firing episode of a series silent this long resolves
 * @param stateTtl           a series silent this long is forgotten
 */
public record AnomalyJobConfig(
        String bootstrapServers,
        Path settingsFile,
        String metricsTopic,
        String incidentsTopic,
        String groupId,
        String transactionalIdPrefix,
        Duration outOfOrderness,
        Duration idleness,
        Duration checkpointInterval,
        Duration silence,
        Duration stateTtl,
        Duration primeFrom) {

    public AnomalyJobConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "--kafka is required (host:port of a broker)");
        require(!outOfOrderness.isNegative(), "--out-of-orderness must not be negative, was " + outOfOrderness);
        require(!idleness.isNegative() && !idleness.isZero(), "--idleness must be positive, was " + idleness);
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + checkpointInterval);
        require(silence.toMillis() >= 1000, "--silence must be at least 1s, was " + silence);
        require(stateTtl.compareTo(silence) > 0, "--state-ttl must be longer than --silence, was " + stateTtl);
        require(primeFrom == null || !primeFrom.isNegative(), "--prime-from must not be negative, was " + primeFrom);
    }

    /** Defaults: topics from {@link Topics}, 5 s out-of-orderness, 10 s checkpoints, 15 min silence, 7 d state TTL. */
    public static AnomalyJobConfig defaults(String bootstrapServers) {
        return new AnomalyJobConfig(bootstrapServers, null, Topics.METRICS, Topics.INCIDENTS, "hubwatch-anomaly-job",
                "hubwatch-anomaly-job", Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofMinutes(15), Duration.ofDays(7), null);
    }

    public AnomalyJobConfig withTopics(String metrics, String incidents) {
        return new AnomalyJobConfig(bootstrapServers, settingsFile, metrics, incidents, groupId, transactionalIdPrefix,
                outOfOrderness, idleness, checkpointInterval, silence, stateTtl, primeFrom);
    }

    public AnomalyJobConfig withGroup(String group, String transactionalPrefix) {
        return new AnomalyJobConfig(bootstrapServers, settingsFile, metricsTopic, incidentsTopic, group, transactionalPrefix,
                outOfOrderness, idleness, checkpointInterval, silence, stateTtl, primeFrom);
    }

    public AnomalyJobConfig withTiming(Duration outOfOrderness, Duration idleness, Duration checkpointInterval) {
        return new AnomalyJobConfig(bootstrapServers, settingsFile, metricsTopic, incidentsTopic, groupId,
                transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval, silence, stateTtl, primeFrom);
    }

    /**
     * Parses {@code --kafka --anomaly-settings --metrics-topic --incidents-topic --group-id --transactional-id-prefix
     * --out-of-orderness --idleness --checkpoint-interval --silence --state-ttl --prime-from}.
     *
     * @throws IllegalArgumentException naming the bad option and value
     */
    public static AnomalyJobConfig fromArgs(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        AnomalyJobConfig d = defaults(p.get("kafka", "localhost:9092"));
        return new AnomalyJobConfig(
                p.get("kafka", d.bootstrapServers()),
                p.has("anomaly-settings") ? Path.of(p.get("anomaly-settings")) : null,
                p.get("metrics-topic", d.metricsTopic()),
                p.get("incidents-topic", d.incidentsTopic()),
                p.get("group-id", d.groupId()),
                p.get("transactional-id-prefix", d.transactionalIdPrefix()),
                duration(p, "out-of-orderness", d.outOfOrderness()),
                duration(p, "idleness", d.idleness()),
                duration(p, "checkpoint-interval", d.checkpointInterval()),
                duration(p, "silence", d.silence()),
                duration(p, "state-ttl", d.stateTtl()),
                p.has("prime-from") ? duration(p, "prime-from", null) : null);
    }

    /**
     * The {@code anomaly:} list of the settings file (other top-level sections are ignored: the file may be the rule
     * file), or no settings.
     *
     * @throws IllegalArgumentException naming the file, entry and field of a bad value
     */
    public List<AnomalySettings> loadSettings() {
        if (settingsFile == null) {
            return List.of();
        }
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(settingsFile), Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(settingsFile + ": cannot read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map<?, ?> map) || map.get("anomaly") == null) {
            return List.of();
        }
        if (!(map.get("anomaly") instanceof List<?> list)) {
            throw new IllegalArgumentException(settingsFile + ": 'anomaly' must be a list of settings");
        }
        List<AnomalySettings> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = settingsFile + " anomaly[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException(where + ": expected a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) entry;
            out.add(AnomalySettings.fromMap(typed, where));
        }
        return out;
    }
}

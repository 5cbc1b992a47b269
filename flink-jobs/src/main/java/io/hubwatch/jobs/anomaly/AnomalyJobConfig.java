package io.hubwatch.jobs.anomaly;

import static io.hubwatch.jobs.JobArgs.require;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hubwatch.events.Topics;
import io.hubwatch.jobs.KafkaSettings;
import io.hubwatch.rules.anomaly.AnomalySettings;
import io.hubwatch.jobs.JobArgs;
import io.hubwatch.jobs.JobOption;
import io.hubwatch.jobs.SharedOptions;

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
        KafkaSettings kafka,
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

    /** The brokers alone (the extra client properties are in {@link #kafka()}). */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public AnomalyJobConfig {
        require(kafka != null, "--kafka is required (host:port of a broker)");
        require(!outOfOrderness.isNegative(), "--out-of-orderness must not be negative, was " + outOfOrderness);
        require(!idleness.isNegative() && !idleness.isZero(), "--idleness must be positive, was " + idleness);
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + checkpointInterval);
        require(silence.toMillis() >= 1000, "--silence must be at least 1s, was " + silence);
        require(stateTtl.compareTo(silence) > 0, "--state-ttl must be longer than --silence, was " + stateTtl);
        require(primeFrom == null || !primeFrom.isNegative(), "--prime-from must not be negative, was " + primeFrom);
    }

    /** Defaults: topics from {@link Topics} (incidents to {@code anomaly-incidents}), 5 s out-of-orderness, 10 s checkpoints, 15 min silence, 7 d state TTL. */
    public static AnomalyJobConfig defaults(String bootstrapServers) {
        // the defaults are the declared options' defaults, so they are written in one place only
        return fromArgs(new String[]{"--" + SharedOptions.KAFKA.name(), bootstrapServers}, Map.of());
    }

    public AnomalyJobConfig withTopics(String metrics, String incidents) {
        return new AnomalyJobConfig(kafka, settingsFile, metrics, incidents, groupId, transactionalIdPrefix,
                outOfOrderness, idleness, checkpointInterval, silence, stateTtl, primeFrom);
    }

    public AnomalyJobConfig withGroup(String group, String transactionalPrefix) {
        return new AnomalyJobConfig(kafka, settingsFile, metricsTopic, incidentsTopic, group, transactionalPrefix,
                outOfOrderness, idleness, checkpointInterval, silence, stateTtl, primeFrom);
    }

    public AnomalyJobConfig withTiming(Duration outOfOrderness, Duration idleness, Duration checkpointInterval) {
        return new AnomalyJobConfig(kafka, settingsFile, metricsTopic, incidentsTopic, groupId,
                transactionalIdPrefix, outOfOrderness, idleness, checkpointInterval, silence, stateTtl, primeFrom);
    }

    /** On a first start (no checkpoint), train on this much metric history without reporting; null: none. */
    public AnomalyJobConfig withPrimeFrom(Duration history) {
        return new AnomalyJobConfig(kafka, settingsFile, metricsTopic, incidentsTopic, groupId, transactionalIdPrefix,
                outOfOrderness, idleness, checkpointInterval, silence, stateTtl, history);
    }

    public AnomalyJobConfig withKafka(KafkaSettings settings) {
        return new AnomalyJobConfig(settings, settingsFile, metricsTopic, incidentsTopic, groupId, transactionalIdPrefix,
                outOfOrderness, idleness, checkpointInterval, silence, stateTtl, primeFrom);
    }

    /**
     * Not the incidents topic itself: the alert job reads this one into its silences and inhibition and passes the
     * incidents on to {@code incidents}, so that one stage mutes both kinds (docs/decisions.md).
     */
    static final JobOption<String> INCIDENTS_TOPIC = JobOption.text("incidents-topic", Topics.ANOMALY_INCIDENTS,
            "anomaly incidents topic (written exactly once; the alert job passes them on to 'incidents')");
    static final JobOption<Path> ANOMALY_SETTINGS = JobOption.file("anomaly-settings",
            "YAML file whose 'anomaly:' list tunes detection per metric (the rule file may be given)");
    static final JobOption<String> GROUP_ID = SharedOptions.GROUP_ID.withDefault("hubwatch-anomaly-job");
    static final JobOption<String> TRANSACTIONAL_ID_PREFIX = JobOption.text("transactional-id-prefix",
            "hubwatch-anomaly-job", "prefix of the incidents sink's Kafka transactional ids (unique per job)");
    static final JobOption<Duration> SILENCE =
            JobOption.duration("silence", Duration.ofMinutes(15), "a firing series silent this long resolves");
    static final JobOption<Duration> STATE_TTL =
            JobOption.duration("state-ttl", Duration.ofDays(7), "a series silent this long is forgotten");
    static final JobOption<Duration> PRIME_FROM = JobOption.duration("prime-from", null,
            "on a first start, read this much metric history (what is over 5 min old only trains)");

    /** Every option the anomaly job accepts, in usage order. */
    public static final List<JobOption<?>> OPTIONS = SharedOptions.with(SharedOptions.KAFKA_OPTIONS,
            List.of(ANOMALY_SETTINGS, SharedOptions.METRICS_TOPIC, INCIDENTS_TOPIC, GROUP_ID,
                    TRANSACTIONAL_ID_PREFIX),
            SharedOptions.EVENT_TIME_OPTIONS, List.of(SILENCE, STATE_TTL, PRIME_FROM));

    /** {@link #fromArgs(String[], Map)} with this process's environment. */
    public static AnomalyJobConfig fromArgs(String[] args) {
        return fromArgs(args, System.getenv());
    }

    /**
     * Parses {@link #OPTIONS}.
     *
     * @throws IllegalArgumentException naming the bad option and value, with the usage
     */
    public static AnomalyJobConfig fromArgs(String[] args, Map<String, String> env) {
        JobArgs a = JobArgs.parse(args, env, "anomaly job", OPTIONS);
        return new AnomalyJobConfig(
                a.kafka(),
                a.get(ANOMALY_SETTINGS),
                a.get(SharedOptions.METRICS_TOPIC),
                a.get(INCIDENTS_TOPIC),
                a.get(GROUP_ID),
                a.get(TRANSACTIONAL_ID_PREFIX),
                a.get(SharedOptions.OUT_OF_ORDERNESS),
                a.get(SharedOptions.IDLENESS),
                a.get(SharedOptions.CHECKPOINT_INTERVAL),
                a.get(SILENCE),
                a.get(STATE_TTL),
                a.get(PRIME_FROM));
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

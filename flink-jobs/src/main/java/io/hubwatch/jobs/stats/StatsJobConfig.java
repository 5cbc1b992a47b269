package io.hubwatch.jobs.stats;

import static io.hubwatch.jobs.JobArgs.duration;
import static io.hubwatch.jobs.JobArgs.require;

import io.hubwatch.events.Topics;
import org.apache.flink.util.ParameterTool;

import java.time.Duration;
import java.util.Locale;

/**
 * The business statistics job's settings, parsed once from the command line with defaults, checked up front.
 *
 * <pre>{@code
 * flink run hubwatch-flink-jobs-job.jar ... (main class io.hubwatch.jobs.stats.BusinessStatsJob)
 *     --kafka kafka:9092 --jdbc-url jdbc:postgresql://db:5432/hubwatch --jdbc-user hubwatch
 * }</pre>
 *
 * @param jdbcUrl    where the rollups go; null writes no rollups (metrics are still published)
 * @param metricTime which time published metrics carry ({@link MetricTime}); live jobs want PUBLISH_TIME
 * @param maxSeriesPerMetric how many series one metric may have within {@link #CARDINALITY_HORIZON}; samples of further
 *                   series go to dead-letter, counted, so one runaway label cannot grow the job's state without end
 */
public record StatsJobConfig(
        String bootstrapServers,
        String apiCallsTopic,
        String webVitalsTopic,
        String metricsTopic,
        String deadLetterTopic,
        String groupId,
        Duration outOfOrderness,
        Duration idleness,
        Duration checkpointInterval,
        Duration maxFutureSkew,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        MetricTime metricTime,
        int maxSeriesPerMetric) {

    /** Series one metric may have within {@link #CARDINALITY_HORIZON} before new ones are refused. */
    public static final int DEFAULT_MAX_SERIES_PER_METRIC = 10_000;
    /** A series counts against its metric's limit until it has been silent this long. */
    public static final Duration CARDINALITY_HORIZON = Duration.ofHours(1);

    public StatsJobConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "--kafka is required (host:port of a broker)");
        require(!outOfOrderness.isNegative(), "--out-of-orderness must not be negative, was " + outOfOrderness);
        require(!idleness.isNegative() && !idleness.isZero(), "--idleness must be positive, was " + idleness);
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + checkpointInterval);
        require(jdbcUrl == null || jdbcUrl.startsWith("jdbc:postgresql:"),
                "--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), was " + jdbcUrl);
        require(metricTime != null, "--metric-time must be window-end or publish-time");
        require(maxSeriesPerMetric >= 1, "--max-series-per-metric must be at least 1, was " + maxSeriesPerMetric);
    }

    /** Defaults: topics from {@link Topics}, 5 s out-of-orderness, 10 s idleness, 10 s checkpoints, no database. */
    public static StatsJobConfig defaults(String bootstrapServers) {
        return new StatsJobConfig(bootstrapServers, Topics.API_CALLS, Topics.WEB_VITALS, Topics.METRICS,
                Topics.DEAD_LETTER, "hubwatch-stats-job", Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofHours(1), null, "postgres", "", MetricTime.PUBLISH_TIME,
                DEFAULT_MAX_SERIES_PER_METRIC);
    }

    public StatsJobConfig withTopics(String apiCalls, String webVitals, String metrics, String deadLetter) {
        return new StatsJobConfig(bootstrapServers, apiCalls, webVitals, metrics, deadLetter, groupId, outOfOrderness,
                idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withGroup(String group) {
        return new StatsJobConfig(bootstrapServers, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, group,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withTiming(Duration newOutOfOrderness, Duration newIdleness, Duration newCheckpointInterval) {
        return new StatsJobConfig(bootstrapServers, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                newOutOfOrderness, newIdleness, newCheckpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword,
                metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withDatabase(String url, String user, String password) {
        return new StatsJobConfig(bootstrapServers, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, url, user, password, metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withMaxSeriesPerMetric(int max) {
        return new StatsJobConfig(bootstrapServers, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, metricTime, max);
    }

    public StatsJobConfig withMetricTime(MetricTime time) {
        return new StatsJobConfig(bootstrapServers, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, time, maxSeriesPerMetric);
    }

    /**
     * Parses {@code --kafka --api-calls-topic --web-vitals-topic --metrics-topic --dead-letter-topic --group-id
     * --out-of-orderness --idleness --checkpoint-interval --max-future-skew --jdbc-url --jdbc-user --jdbc-password
     * --metric-time --max-series-per-metric}.
     *
     * @throws IllegalArgumentException naming the bad option and value
     */
    public static StatsJobConfig fromArgs(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        StatsJobConfig d = defaults(p.get("kafka", "localhost:9092"));
        String time = p.get("metric-time", "publish-time").toUpperCase(Locale.ROOT).replace('-', '_');
        MetricTime metricTime;
        try {
            metricTime = MetricTime.valueOf(time);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--metric-time must be window-end or publish-time, was " + p.get("metric-time"));
        }
        return new StatsJobConfig(
                d.bootstrapServers(),
                p.get("api-calls-topic", d.apiCallsTopic()),
                p.get("web-vitals-topic", d.webVitalsTopic()),
                p.get("metrics-topic", d.metricsTopic()),
                p.get("dead-letter-topic", d.deadLetterTopic()),
                p.get("group-id", d.groupId()),
                duration(p, "out-of-orderness", d.outOfOrderness()),
                duration(p, "idleness", d.idleness()),
                duration(p, "checkpoint-interval", d.checkpointInterval()),
                duration(p, "max-future-skew", d.maxFutureSkew()),
                p.get("jdbc-url", null),
                p.get("jdbc-user", d.jdbcUser()),
                p.get("jdbc-password", d.jdbcPassword()),
                metricTime,
                positiveInt(p, "max-series-per-metric", d.maxSeriesPerMetric()));
    }

    private static int positiveInt(ParameterTool p, String name, int fallback) {
        if (!p.has(name)) {
            return fallback;
        }
        try {
            return Integer.parseInt(p.get(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was " + p.get(name));
        }
    }
}

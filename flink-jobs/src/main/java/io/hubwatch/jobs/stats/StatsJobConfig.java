package io.hubwatch.jobs.stats;

import static io.hubwatch.jobs.JobArgs.require;

import io.hubwatch.events.Topics;
import io.hubwatch.jobs.KafkaSettings;
import io.hubwatch.jobs.JobArgs;
import io.hubwatch.jobs.JobOption;
import io.hubwatch.jobs.SharedOptions;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        KafkaSettings kafka,
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

    /** The brokers alone (the extra client properties are in {@link #kafka()}). */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public StatsJobConfig {
        require(kafka != null, "--kafka is required (host:port of a broker)");
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
        // the defaults are the declared options' defaults, so they are written in one place only
        return fromArgs(new String[]{"--" + SharedOptions.KAFKA.name(), bootstrapServers}, Map.of());
    }

    public StatsJobConfig withTopics(String apiCalls, String webVitals, String metrics, String deadLetter) {
        return new StatsJobConfig(kafka, apiCalls, webVitals, metrics, deadLetter, groupId, outOfOrderness,
                idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withGroup(String group) {
        return new StatsJobConfig(kafka, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, group,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withTiming(Duration newOutOfOrderness, Duration newIdleness, Duration newCheckpointInterval) {
        return new StatsJobConfig(kafka, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                newOutOfOrderness, newIdleness, newCheckpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword,
                metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withDatabase(String url, String user, String password) {
        return new StatsJobConfig(kafka, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, url, user, password, metricTime, maxSeriesPerMetric);
    }

    public StatsJobConfig withMaxSeriesPerMetric(int max) {
        return new StatsJobConfig(kafka, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, metricTime, max);
    }

    public StatsJobConfig withMetricTime(MetricTime time) {
        return new StatsJobConfig(kafka, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, time, maxSeriesPerMetric);
    }

    public StatsJobConfig withKafka(KafkaSettings settings) {
        return new StatsJobConfig(settings, apiCallsTopic, webVitalsTopic, metricsTopic, deadLetterTopic, groupId,
                outOfOrderness, idleness, checkpointInterval, maxFutureSkew, jdbcUrl, jdbcUser, jdbcPassword, metricTime, maxSeriesPerMetric);
    }

    static final JobOption<String> API_CALLS_TOPIC = JobOption.text("api-calls-topic", Topics.API_CALLS, "API calls topic");
    static final JobOption<String> WEB_VITALS_TOPIC = JobOption.text("web-vitals-topic", Topics.WEB_VITALS, "web vitals topic");
    static final JobOption<String> GROUP_ID = SharedOptions.GROUP_ID.withDefault("hubwatch-stats-job");
    static final JobOption<MetricTime> METRIC_TIME = JobOption.choice("metric-time", MetricTime.class,
            MetricTime.PUBLISH_TIME, "which time published metrics carry: window-end or publish-time");
    static final JobOption<Integer> MAX_SERIES_PER_METRIC = JobOption.integer("max-series-per-metric",
            DEFAULT_MAX_SERIES_PER_METRIC, "series one metric may have within an hour; samples of further series go to dead-letter");

    /** Every option the statistics job accepts, in usage order. */
    public static final List<JobOption<?>> OPTIONS = SharedOptions.with(SharedOptions.KAFKA_OPTIONS,
            List.of(API_CALLS_TOPIC, WEB_VITALS_TOPIC, SharedOptions.METRICS_TOPIC, SharedOptions.DEAD_LETTER_TOPIC, GROUP_ID),
            SharedOptions.EVENT_TIME_OPTIONS, List.of(SharedOptions.MAX_FUTURE_SKEW, METRIC_TIME, MAX_SERIES_PER_METRIC),
            SharedOptions.JDBC_OPTIONS);

    /** {@link #fromArgs(String[], Map)} with this process's environment. */
    public static StatsJobConfig fromArgs(String[] args) {
        return fromArgs(args, System.getenv());
    }

    /**
     * Parses {@link #OPTIONS}; the PostgreSQL password comes from {@code --jdbc-password-file} or the environment.
     *
     * @throws IllegalArgumentException naming the bad option and value, with the usage
     */
    public static StatsJobConfig fromArgs(String[] args, Map<String, String> env) {
        JobArgs a = JobArgs.parse(args, env, "stats job", OPTIONS);
        return new StatsJobConfig(
                a.kafka(),
                a.get(API_CALLS_TOPIC),
                a.get(WEB_VITALS_TOPIC),
                a.get(SharedOptions.METRICS_TOPIC),
                a.get(SharedOptions.DEAD_LETTER_TOPIC),
                a.get(GROUP_ID),
                a.get(SharedOptions.OUT_OF_ORDERNESS),
                a.get(SharedOptions.IDLENESS),
                a.get(SharedOptions.CHECKPOINT_INTERVAL),
                a.get(SharedOptions.MAX_FUTURE_SKEW),
                a.get(SharedOptions.JDBC_URL),
                a.get(SharedOptions.JDBC_USER),
                SharedOptions.jdbcPassword(a),
                a.get(METRIC_TIME),
                a.get(MAX_SERIES_PER_METRIC));
    }
}

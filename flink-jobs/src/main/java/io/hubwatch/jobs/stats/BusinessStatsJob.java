package io.hubwatch.jobs.stats;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import io.hubwatch.events.WebVitalEvent;
import io.hubwatch.jobs.RestartPolicy;
import io.hubwatch.jobs.jdbc.JdbcRows;
import io.hubwatch.jobs.jdbc.JdbcSettings;
import io.hubwatch.jobs.kafka.KafkaIO;
import io.hubwatch.jobs.stats.Rollups.ActivityMinute;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import io.hubwatch.jobs.stats.Rollups.ModelMinute;
import io.hubwatch.jobs.stats.Rollups.PageVitalMinute;
import io.hubwatch.jobs.stats.Rollups.SeriesMinute;
import io.hubwatch.jobs.stats.internal.ActivityAggregate;
import io.hubwatch.jobs.stats.internal.EndpointAggregate;
import io.hubwatch.jobs.stats.internal.ModelAggregate;
import io.hubwatch.jobs.stats.internal.PublishMetrics;
import io.hubwatch.jobs.stats.internal.RollupSinks;
import io.hubwatch.jobs.stats.internal.SeriesAggregate;
import io.hubwatch.jobs.stats.internal.SeriesLimit;
import io.hubwatch.jobs.stats.internal.SplitStatsInput;
import io.hubwatch.jobs.stats.internal.StatsInput;
import io.hubwatch.jobs.stats.internal.StatsRecordDeserializer;
import io.hubwatch.jobs.stats.internal.VitalAggregate;
import io.hubwatch.storage.Database;
import io.hubwatch.storage.Migrations;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The business statistics job: API calls, web vitals and metrics in, one-minute event-time rollups out.
 *
 * <pre>
 *   api-calls ─┬─ per endpoint: calls, errors, error_rate, p50/p95/p99 (sketch) ─┬─ rollups (PostgreSQL)
 *              │                                                                └─ api_response_time, error_rate ─ metrics
 *              ├─ per model: calls, tokens, cost ─ rollups
 *              └─ active users and sessions ─ rollups
 *   web-vitals ─ per page and vital: p75 ─ rollups
 *   metrics ─── at most N series per metric ─ per series: count, min, max, avg, last ─ rollups
 * </pre>
 * Nothing a record carries can fail the job: input that is not a valid event (control characters, over-long labels,
 * out-of-range numbers), late calls, series over their metric's limit and rows PostgreSQL refuses all go to
 * {@code dead-letter} with the reason. Per-series state lives only as long as its minute window (plus the limit's
 * one-hour memory of which series a metric has).
 * The published {@code api_response_time} (p95, ms) and {@code error_rate} (%) carry the label {@code endpoint} and
 * source {@code stats-job}, so the default rules {@code critical_response_time} and {@code high_error_rate} of the
 * alert job watch them. Latency percentiles come from a {@link LatencySketch} (0.5 % relative error, mergeable).
 *
 * <p>Tests call {@link #build} on streams with timestamps and watermarks:
 * <pre>{@code
 * BusinessStatsJob.Pipeline p = new BusinessStatsJob(MetricTime.WINDOW_END).build(calls, vitals, metrics);
 * p.endpoints().executeAndCollect();
 * }</pre>
 * {@link #main} parses {@link StatsJobConfig} and wires Kafka and PostgreSQL.
 */
public final class BusinessStatsJob {
    public static final String NAME = "hubwatch-stats-job";
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** API calls that arrive after their minute was closed; they go to the dead-letter topic. */
    public static final OutputTag<ApiCallEvent> LATE_CALLS = new OutputTag<>("late-api-calls") {};

    private final MetricTime metricTime;
    private final int maxSeriesPerMetric;

    /** The job's outputs. */
    public record Pipeline(DataStream<EndpointMinute> endpoints, DataStream<ModelMinute> models,
                           DataStream<ActivityMinute> activity, DataStream<PageVitalMinute> vitals,
                           DataStream<SeriesMinute> series, DataStream<MetricEvent> published,
                           DataStream<DeadLetter> deadLetters) {}

    public BusinessStatsJob(MetricTime metricTime) {
        this(metricTime, StatsJobConfig.DEFAULT_MAX_SERIES_PER_METRIC);
    }

    /** @param maxSeriesPerMetric series per metric within {@link StatsJobConfig#CARDINALITY_HORIZON}; more are refused */
    public BusinessStatsJob(MetricTime metricTime, int maxSeriesPerMetric) {
        this.metricTime = metricTime;
        this.maxSeriesPerMetric = maxSeriesPerMetric;
    }

    /** The pipeline over streams that already carry event-time timestamps and watermarks. */
    public Pipeline build(DataStream<ApiCallEvent> calls, DataStream<WebVitalEvent> vitals, DataStream<MetricEvent> metrics) {
        SingleOutputStreamOperator<EndpointMinute> endpoints = calls
                .keyBy(ApiCallEvent::endpoint, Types.STRING)
                .window(TumblingEventTimeWindows.of(MINUTE))
                .sideOutputLateData(LATE_CALLS)
                .aggregate(new EndpointAggregate(), new EndpointAggregate.ToRow())
                .uid("endpoint-minutes").name("Per endpoint and minute");

        DataStream<ModelMinute> models = calls
                .filter(c -> c.model() != null).name("Calls with a model")
                .keyBy(ApiCallEvent::model, Types.STRING)
                .window(TumblingEventTimeWindows.of(MINUTE))
                .aggregate(new ModelAggregate(), new ModelAggregate.ToRow())
                .uid("model-minutes").name("Per model and minute");

        DataStream<ActivityMinute> activity = calls
                .keyBy(c -> "all", Types.STRING)
                .window(TumblingEventTimeWindows.of(MINUTE))
                .aggregate(new ActivityAggregate(), new ActivityAggregate.ToRow())
                .uid("activity-minutes").name("Active users and sessions per minute");

        DataStream<PageVitalMinute> pageVitals = vitals
                .keyBy(VitalAggregate::key, Types.STRING)
                .window(TumblingEventTimeWindows.of(MINUTE))
                .aggregate(new VitalAggregate(), new VitalAggregate.ToRow())
                .uid("web-vital-minutes").name("Per page and web vital: p75");

        SingleOutputStreamOperator<MetricEvent> limited = metrics
                .keyBy(MetricEvent::metric, Types.STRING)
                .process(new SeriesLimit(maxSeriesPerMetric, StatsJobConfig.CARDINALITY_HORIZON))
                .returns(MetricEvent.class)
                .uid("series-limit").name("At most " + maxSeriesPerMetric + " series per metric");

        DataStream<SeriesMinute> series = limited
                .keyBy(MetricEvent::seriesKey, Types.STRING)
                .window(TumblingEventTimeWindows.of(MINUTE))
                .aggregate(new SeriesAggregate(), new SeriesAggregate.ToRow())
                .uid("series-minutes").name("Per metric series and minute");

        DataStream<MetricEvent> published = endpoints
                .flatMap(PublishMetrics.endpoints(metricTime)).returns(MetricEvent.class)
                .uid("publish-metrics").name("Endpoint minutes as metrics")
                .union(models.flatMap(PublishMetrics.models(metricTime)).returns(MetricEvent.class)
                                .uid("publish-model-metrics").name("Model minutes as metrics"),
                        activity.flatMap(PublishMetrics.activity(metricTime)).returns(MetricEvent.class)
                                .uid("publish-activity-metrics").name("Activity minutes as metrics"),
                        pageVitals.flatMap(PublishMetrics.vitals(metricTime)).returns(MetricEvent.class)
                                .uid("publish-vital-metrics").name("Web vital minutes as metrics"));

        DataStream<DeadLetter> late = endpoints.getSideOutput(LATE_CALLS)
                .map(c -> new DeadLetter(Topics.API_CALLS, "stats-job/lateness", "late event: its minute "
                        + Instant.ofEpochMilli(c.timestamp() / 60_000 * 60_000) + " was already closed (endpoint "
                        + c.endpoint() + ")", EventJson.toJson(c), Instant.now())).returns(DeadLetter.class)
                .uid("late-calls").name("Late API calls");

        return new Pipeline(endpoints, models, activity, pageVitals, series, published,
                late.union(limited.getSideOutput(SeriesLimit.REFUSED)));
    }

    /** Creates the database if needed and applies the migrations (idempotent; concurrent starters wait). */
    public static void prepareDatabase(StatsJobConfig config) throws SQLException {
        if (config.jdbcUrl() == null) {
            return;
        }
        Database db = Database.of(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
        db.ensureDatabase();
        try (Connection c = db.connect()) {
            Migrations.apply(c);
        }
    }

    /** Adds the whole job, Kafka source to Kafka and JDBC sinks, to {@code env}; returns its outputs. */
    public static Pipeline wire(StreamExecutionEnvironment env, StatsJobConfig config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        RestartPolicy.bounded().applyTo(env);
        KafkaSource<StatsInput> source = KafkaIO.source(config.bootstrapServers(), config.kafka().properties(),
                List.of(config.apiCallsTopic(), config.webVitalsTopic(), config.metricsTopic()), config.groupId(),
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                new StatsRecordDeserializer(config.apiCallsTopic(), config.webVitalsTopic(), config.maxFutureSkew()));
        WatermarkStrategy<StatsInput> watermarks = WatermarkStrategy
                .<StatsInput>forBoundedOutOfOrderness(config.outOfOrderness())
                .withTimestampAssigner((input, kafkaTime) -> input.eventTime())
                .withIdleness(config.idleness());
        SingleOutputStreamOperator<ApiCallEvent> calls = env
                .fromSource(source, watermarks, "API calls, web vitals and metrics from Kafka").uid("stats-source")
                .process(new SplitStatsInput()).uid("split-stats-input").name("Split by topic");

        Pipeline pipeline = new BusinessStatsJob(config.metricTime(), config.maxSeriesPerMetric()).build(calls,
                calls.getSideOutput(SplitStatsInput.VITALS), calls.getSideOutput(SplitStatsInput.METRICS));

        String metricsTopic = config.metricsTopic();
        pipeline.published().sinkTo(KafkaIO.atLeastOnce(config.bootstrapServers(), config.kafka().properties(),
                        (KafkaRecordSerializationSchema<MetricEvent>) (event, context, timestamp) ->
                                new ProducerRecord<>(metricsTopic, null, event.timestamp(),
                                        event.seriesKey().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(event))))
                .uid("published-metrics-sink").name("Metrics to Kafka");

        DataStream<DeadLetter> deadLetters = calls.getSideOutput(SplitStatsInput.DEAD_LETTERS).union(pipeline.deadLetters());
        if (config.jdbcUrl() != null) {
            // rows PostgreSQL would refuse come back as dead letters: no row can fail the job and replay forever
            JdbcSettings db = JdbcSettings.of(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
            deadLetters = deadLetters.union(
                    JdbcRows.write(pipeline.endpoints(), RollupSinks.endpoints(), db, config.apiCallsTopic(),
                            "stats-job/api_endpoint_minute", "endpoint-rollups"),
                    JdbcRows.write(pipeline.models(), RollupSinks.models(), db, config.apiCallsTopic(),
                            "stats-job/api_model_minute", "model-rollups"),
                    JdbcRows.write(pipeline.activity(), RollupSinks.activity(), db, config.apiCallsTopic(),
                            "stats-job/api_activity_minute", "activity-rollups"),
                    JdbcRows.write(pipeline.vitals(), RollupSinks.vitals(), db, config.webVitalsTopic(),
                            "stats-job/web_vital_minute", "web-vital-rollups"),
                    JdbcRows.write(pipeline.series(), RollupSinks.series(), db, config.metricsTopic(),
                            "stats-job/metric_minute", "series-rollups"));
        }
        deadLetters
                .sinkTo(KafkaIO.deadLetterSink(config.bootstrapServers(), config.kafka().properties(),
                        config.deadLetterTopic()))
                .uid("stats-dead-letter-sink").name("Dead letters to Kafka");
        return pipeline;
    }

    /**
     * Parses the options, prepares the database and runs the job. Bad options fail with an exception naming them
     * (never {@code System.exit}: in application mode that would stop the JobManager).
     */
    public static void main(String[] args) throws Exception {
        StatsJobConfig config = StatsJobConfig.fromArgs(args);
        try {
            prepareDatabase(config);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the database " + config.jdbcUrl() + ": " + e.getMessage(), e);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        wire(env, config);
        env.execute(NAME);
    }
}

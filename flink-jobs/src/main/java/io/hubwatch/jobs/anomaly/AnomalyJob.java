package io.hubwatch.jobs.anomaly;

import io.hubwatch.jobs.RestartPolicy;
import io.hubwatch.events.Incident;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.jobs.kafka.Ingested;
import io.hubwatch.jobs.kafka.MetricRecordDeserializer;
import io.hubwatch.jobs.kafka.KafkaIO;
import io.hubwatch.rules.anomaly.AnomalySettings;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.List;

/**
 * The anomaly job: per series (keyed by {@link MetricEvent#seriesKey()}, event time), an Isolation Forest detector
 * whose episodes become incidents of kind {@code anomaly} on the incidents topic, next to threshold incidents.
 *
 * <pre>{@code
 * DataStream<Incident> incidents = new AnomalyJob(settings, DetectorConfig.defaults())
 *         .build(env.fromData(events).assignTimestampsAndWatermarks(strategy));
 * }</pre>
 */
public final class AnomalyJob {
    public static final String NAME = "hubwatch-anomaly-job";

    private final List<AnomalySettings> settings;
    private final DetectorConfig base;
    private long primeUntilMillis = Long.MIN_VALUE;
    private Duration silence = Duration.ofMinutes(15);
    private Duration stateTtl = Duration.ofDays(7);
    private Duration historyHorizon = AnomalyDetectorFunction.HISTORY_HORIZON;

    public AnomalyJob(List<AnomalySettings> settings, DetectorConfig base) {
        this.settings = List.copyOf(settings);
        this.base = base;
    }

    /** Host-agent metrics scored when a rule file has no {@code anomaly:} section. */
    public static final List<String> HOST_METRICS = List.of("cpu_usage", "memory_usage", "load_average_1m",
            "network_rx_bytes_per_s", "network_tx_bytes_per_s");

    /**
     * What is scored: the given {@code anomaly:} entries, or {@link #HOST_METRICS} with the defaults when there are
     * none; any other metric is not (a detector costs about 22 KB of state per series, so scoring every metric of a
     * fleet by default would not fit).
     */
    public static List<AnomalySettings> optIn(List<AnomalySettings> configured) {
        List<AnomalySettings> chosen = new java.util.ArrayList<>(configured);
        if (chosen.isEmpty()) {
            HOST_METRICS.forEach(m -> chosen.add(AnomalySettings.defaults(m)));
        }
        chosen.add(new AnomalySettings("*", false, AnomalySettings.DEFAULT_SENSITIVITY, AnomalySettings.DEFAULT_MIN_HISTORY,
                AnomalySettings.DEFAULT_RETRAIN_INTERVAL));
        return chosen;
    }

    /** Samples with event time before this only train (priming from stored history). */
    public AnomalyJob primeUntil(long epochMillis) {
        this.primeUntilMillis = epochMillis;
        return this;
    }

    /** Samples older than this by the wall clock only train (zero: none, e.g. to replay old data as live). */
    public AnomalyJob historyHorizon(Duration horizon) {
        this.historyHorizon = horizon;
        return this;
    }

    public AnomalyJob timeouts(Duration silence, Duration stateTtl) {
        this.silence = silence;
        this.stateTtl = stateTtl;
        return this;
    }

    /** Anomaly incidents from valid metric events with timestamps and watermarks assigned. */
    public DataStream<Incident> build(DataStream<MetricEvent> metrics) {
        return metrics
                .keyBy(MetricEvent::seriesKey, Types.STRING)
                .process(new AnomalyDetectorFunction(settings, base, primeUntilMillis, silence, stateTtl).historyHorizon(historyHorizon))
                .returns(TypeInformation.of(Incident.class))
                .uid("anomaly-detector").name("Anomaly detector (Isolation Forest per series)");
    }

    /** Adds the whole job, Kafka source to exactly-once Kafka sink, to {@code env}. */
    public static void wire(StreamExecutionEnvironment env, AnomalyJobConfig config, List<AnomalySettings> settings) {
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        // a record that keeps failing the job must not restart it forever: bounded restarts, then FAILED (DOWN in /health)
        RestartPolicy.bounded().applyTo(env);
        // a first start with --prime-from reads that much history; later starts resume from the checkpoint, and the
        // models come back with it. What the history teaches without reporting is what the detector's history horizon
        // says (samples more than 5 min older than the clock), not "everything before the start": that cut also
        // silenced the live samples of the job's first seconds, which the anomaly guide's spike (19 s old when posted
        // right after up's READY) fell into (GuidesITCase, session 8)
        long now = System.currentTimeMillis();
        OffsetsInitializer start = config.primeFrom() == null
                ? OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST)
                : OffsetsInitializer.timestamp(now - config.primeFrom().toMillis());
        // refused input is dead-lettered by the alert job, which reads the same topic
        KafkaSource<Ingested> source = KafkaIO.source(config.bootstrapServers(), config.kafka().properties(),
                List.of(config.metricsTopic()), config.groupId(), start,
                new MetricRecordDeserializer("anomaly-job/parse", Duration.ofHours(1)));
        WatermarkStrategy<Ingested> watermarks = WatermarkStrategy
                .<Ingested>forBoundedOutOfOrderness(config.outOfOrderness())
                .withTimestampAssigner((record, kafkaTime) -> record.eventTime())
                .withIdleness(config.idleness());
        DataStream<MetricEvent> metrics = env.fromSource(source, watermarks, "Metrics from Kafka").uid("anomaly-metrics-source")
                .filter(i -> i.event() != null).uid("anomaly-valid-metrics").name("Valid metrics")
                .map(Ingested::event).returns(MetricEvent.class).uid("anomaly-unwrap").name("Unwrap");

        AnomalyJob job = new AnomalyJob(settings, DetectorConfig.defaults()).timeouts(config.silence(), config.stateTtl());
        job.build(metrics).sinkTo(KafkaIO.incidentsSink(config.bootstrapServers(), config.kafka().properties(),
                        config.incidentsTopic(), config.transactionalIdPrefix()))
                .uid("anomaly-incidents-sink").name("Anomaly incidents to Kafka");
    }

    /**
     * Parses the options and runs the job. Bad options fail with an exception naming them (never {@code System.exit}:
     * in application mode that would stop the JobManager).
     */
    public static void main(String[] args) throws Exception {
        AnomalyJobConfig config = AnomalyJobConfig.fromArgs(args);
        List<AnomalySettings> settings = optIn(config.loadSettings());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        wire(env, config, settings);
        env.execute(NAME);
    }
}

package io.hubwatch.jobs.alerting;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.Incident;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.internal.AlertLifecycle;
import io.hubwatch.jobs.alerting.internal.AlertSignal;
import io.hubwatch.jobs.alerting.internal.DirectSignals;
import io.hubwatch.jobs.alerting.internal.EvaluateRules;
import io.hubwatch.jobs.alerting.internal.HeldForPattern;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import io.hubwatch.jobs.ingest.Ingested;
import io.hubwatch.jobs.ingest.KafkaRecords;
import io.hubwatch.jobs.ingest.LateEventFilter;
import io.hubwatch.jobs.ingest.MetricRecordDeserializer;
import io.hubwatch.jobs.ingest.SplitRefused;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.Comparator;

/**
 * The alert job: metric events in, threshold incidents out, with Prometheus {@code for} semantics found by Flink CEP.
 *
 * <pre>
 *   metrics ─ drop late events ─ evaluate rules ─┬─ held for (CEP) ──┬─ alert lifecycle ─ incidents
 *                                                └─ clear / instant ─┘
 * </pre>
 *
 * <p>Tests call {@link #build} on any stream with timestamps and watermarks:
 * <pre>{@code
 * AlertJob.Pipeline p = new AlertJob(RuleSet.defaults(), Duration.ofSeconds(5))
 *         .build(env.fromData(events).assignTimestampsAndWatermarks(strategy));
 * p.incidents().executeAndCollect(10);
 * }</pre>
 * {@link #main} parses {@link AlertJobConfig} and wires Kafka in and out ({@code flink run ... --kafka host:9092}).
 */
public final class AlertJob {
    public static final String NAME = "hubwatch-alert-job";

    private final RuleSet rules;
    private final Duration allowedLateness;

    /** The job's two outputs: incidents, and refused events with the reason. */
    public record Pipeline(DataStream<Incident> incidents, DataStream<DeadLetter> deadLetters) {}

    public AlertJob(RuleSet rules, Duration allowedLateness) {
        this.rules = rules;
        this.allowedLateness = allowedLateness;
    }

    /** The pipeline over a stream that already carries event-time timestamps and watermarks. */
    public Pipeline build(DataStream<MetricEvent> metrics) {
        SingleOutputStreamOperator<MetricEvent> onTime = metrics
                .process(new LateEventFilter("alert-job/lateness", allowedLateness))
                .uid("drop-late-events").name("Drop late events");

        DataStream<RuleSample> samples = onTime
                .flatMap(new EvaluateRules(rules)).returns(RuleSample.class)
                .uid("evaluate-rules").name("Evaluate rules");

        DataStream<AlertSignal> breaches = CEP.pattern(
                        samples.filter(s -> s.forMs > 0).name("Rules with a duration")
                                .keyBy(s -> s.key, Types.STRING),
                        HeldForPattern.pattern(longestFor()))
                .inEventTime()
                .process(new HeldForPattern.ToBreach()).returns(AlertSignal.class)
                .uid("held-for-cep").name("Held for (CEP)");

        DataStream<AlertSignal> direct = samples
                .flatMap(new DirectSignals()).returns(AlertSignal.class)
                .uid("clear-and-instant").name("Clear and instant signals");

        DataStream<Incident> incidents = breaches.union(direct)
                .keyBy(s -> s.key, Types.STRING)
                .process(new AlertLifecycle(rules)).returns(Incident.class)
                .uid("alert-lifecycle").name("Alert lifecycle");

        return new Pipeline(incidents, onTime.getSideOutput(SplitRefused.DEAD_LETTERS));
    }

    private Duration longestFor() {
        return rules.rules().stream().map(Rule::forDuration).max(Comparator.naturalOrder())
                .filter(d -> !d.isZero()).orElse(Duration.ofSeconds(1));
    }

    /** Adds the whole job, Kafka source to Kafka sinks, to {@code env}. */
    public static void wire(StreamExecutionEnvironment env, AlertJobConfig config, RuleSet rules) {
        env.enableCheckpointing(config.checkpointInterval().toMillis());

        KafkaSource<Ingested> source = KafkaSource.<Ingested>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(config.metricsTopic())
                .setGroupId(config.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new MetricRecordDeserializer("alert-job/parse", config.maxFutureSkew()))
                .setProperty("partition.discovery.interval.ms", "30000")
                .build();
        WatermarkStrategy<Ingested> watermarks = WatermarkStrategy
                .<Ingested>forBoundedOutOfOrderness(config.outOfOrderness())
                .withTimestampAssigner((record, kafkaTime) -> record.eventTime())
                .withIdleness(config.idleness());

        SingleOutputStreamOperator<MetricEvent> metrics = env
                .fromSource(source, watermarks, "Metrics from Kafka").uid("metrics-source")
                .process(new SplitRefused()).uid("parse-metrics").name("Refuse malformed events");

        Pipeline pipeline = new AlertJob(rules, config.outOfOrderness()).build(metrics);

        pipeline.incidents().sinkTo(KafkaSink.<Incident>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setRecordSerializer(KafkaRecords.incidents(config.incidentsTopic()))
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(config.transactionalIdPrefix())
                        .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                        // the default (1 h) is above the broker's default maximum (15 min)
                        .setProperty("transaction.timeout.ms", "600000")
                        .build())
                .uid("incidents-sink").name("Incidents to Kafka");

        metrics.getSideOutput(SplitRefused.DEAD_LETTERS).union(pipeline.deadLetters())
                .sinkTo(KafkaSink.<DeadLetter>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setRecordSerializer(KafkaRecords.deadLetters(config.deadLetterTopic()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build())
                .uid("dead-letter-sink").name("Dead letters to Kafka");
    }

    /** Reads the rule file named in the config, or the defaults. */
    public static RuleSet loadRules(AlertJobConfig config) throws RuleFileException {
        return config.rulesFile() == null ? RuleSet.defaults() : RuleFiles.read(config.rulesFile());
    }

    public static void main(String[] args) throws Exception {
        AlertJobConfig config;
        RuleSet rules;
        try {
            config = AlertJobConfig.fromArgs(args);
            rules = loadRules(config);
        } catch (IllegalArgumentException | RuleFileException e) {
            System.err.println("hubwatch alert job: " + e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        wire(env, config, rules);
        env.execute(NAME);
    }
}

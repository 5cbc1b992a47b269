package io.hubwatch.jobs.alerting;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.Incident;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.internal.AlertLifecycle;
import io.hubwatch.jobs.alerting.internal.AlertSignal;
import io.hubwatch.jobs.alerting.internal.DirectSignals;
import io.hubwatch.jobs.alerting.internal.EvaluateRules;
import io.hubwatch.jobs.alerting.internal.FlapControl;
import io.hubwatch.jobs.alerting.internal.HeldForPattern;
import io.hubwatch.jobs.alerting.internal.MuteIncidents;
import io.hubwatch.jobs.alerting.internal.RuleBook;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import io.hubwatch.jobs.ingest.ControlRecords;
import io.hubwatch.jobs.ingest.IncidentRows;
import io.hubwatch.jobs.ingest.Ingested;
import io.hubwatch.jobs.ingest.KafkaRecords;
import io.hubwatch.jobs.ingest.LateEventFilter;
import io.hubwatch.jobs.ingest.MetricRecordDeserializer;
import io.hubwatch.jobs.ingest.SplitRefused;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.List;

/**
 * The alert job: metric events in, threshold incidents out, with Prometheus {@code for} semantics found by Flink CEP,
 * rules that change at run time, and silences and inhibition marked on the incidents.
 *
 * <pre>
 *   metrics ─ drop late events ─ evaluate rules ─┬─ held for (CEP) ─┬─ alert lifecycle ─ mute ─ incidents
 *   alert-rules (broadcast) ──────┴──────────────│──────────────────┘                     │
 *                                                └─ samples ─────────┘                     │
 *   alert-silences (broadcast) ────────────────────────────────────────────────────────────┘
 * </pre>
 *
 * <p>Tests call {@link #build} on streams with timestamps and watermarks:
 * <pre>{@code
 * AlertJob.Pipeline p = new AlertJob(RuleSet.defaults(), Duration.ofSeconds(5))
 *         .build(env.fromData(events).assignTimestampsAndWatermarks(strategy));
 * p.incidents().executeAndCollect(10);
 * }</pre>
 * {@link #main} parses {@link AlertJobConfig} and wires Kafka (and PostgreSQL) in and out.
 */
public final class AlertJob {
    public static final String NAME = "hubwatch-alert-job";

    private final RuleSet rules;
    private final Duration allowedLateness;
    private final Duration maxFor;
    private final FlapControl flapControl;

    /** The job's two outputs: incidents, and refused input with the reason. */
    public record Pipeline(DataStream<Incident> incidents, DataStream<DeadLetter> deadLetters) {}

    public AlertJob(RuleSet initialRules, Duration allowedLateness) {
        this(initialRules, allowedLateness, Duration.ofHours(1), FlapControl.defaults());
    }

    public AlertJob(RuleSet initialRules, Duration allowedLateness, Duration maxFor, FlapControl flapControl) {
        this.rules = initialRules;
        this.allowedLateness = allowedLateness;
        this.maxFor = maxFor;
        this.flapControl = flapControl;
    }

    /** The pipeline with the initial rules only and no silences. */
    public Pipeline build(DataStream<MetricEvent> metrics) {
        StreamExecutionEnvironment env = metrics.getExecutionEnvironment();
        // a bounded source needs one element: deleting the id "" changes nothing
        return build(metrics, env.fromData(TypeInformation.of(RuleChange.class), RuleChange.delete("")).name("No rule changes"),
                env.fromData(TypeInformation.of(SilenceChange.class), SilenceChange.delete("")).name("No silences"));
    }

    /**
     * The pipeline over a metrics stream that already carries event-time timestamps and watermarks, with rule changes
     * and silences (their watermarks must not hold the metrics back: see {@link ControlRecords#neverHoldsBack()}).
     */
    public Pipeline build(DataStream<MetricEvent> metrics, DataStream<RuleChange> ruleChanges,
                          DataStream<SilenceChange> silenceChanges) {
        RuleBook book = new RuleBook(rules, maxFor);
        BroadcastStream<RuleChange> ruleBroadcast = ruleChanges.broadcast(RuleBook.STATE);

        SingleOutputStreamOperator<MetricEvent> onTime = metrics
                .process(new LateEventFilter("alert-job/lateness", allowedLateness))
                .uid("drop-late-events").name("Drop late events");

        SingleOutputStreamOperator<RuleSample> samples = onTime
                .connect(ruleBroadcast)
                .process(new EvaluateRules(book)).returns(RuleSample.class)
                .uid("evaluate-rules").name("Evaluate rules");

        DataStream<AlertSignal> breaches = CEP.pattern(
                        samples.filter(s -> s.forMs > 0).name("Rules with a duration")
                                .keyBy(s -> s.key, Types.STRING),
                        HeldForPattern.pattern(maxFor))
                .inEventTime()
                .process(new HeldForPattern.ToBreach()).returns(AlertSignal.class)
                .uid("held-for-cep").name("Held for (CEP)");

        DataStream<AlertSignal> direct = samples
                .map(new DirectSignals()).returns(AlertSignal.class)
                .name("Samples");

        DataStream<Incident> changes = breaches.union(direct)
                .keyBy(s -> s.key, Types.STRING)
                .connect(ruleBroadcast)
                .process(new AlertLifecycle(book, flapControl)).returns(Incident.class)
                .uid("alert-lifecycle").name("Alert lifecycle");

        DataStream<Incident> incidents = changes
                .keyBy(i -> "all", Types.STRING)
                .connect(silenceChanges.broadcast(MuteIncidents.SILENCES))
                .process(new MuteIncidents(rules.inhibitRules())).returns(Incident.class)
                .uid("mute-incidents").name("Silences and inhibition");

        return new Pipeline(incidents,
                onTime.getSideOutput(SplitRefused.DEAD_LETTERS).union(samples.getSideOutput(SplitRefused.DEAD_LETTERS)));
    }

    /** Adds the whole job, Kafka sources to Kafka (and PostgreSQL) sinks, to {@code env}. */
    public static void wire(StreamExecutionEnvironment env, AlertJobConfig config, RuleSet rules) {
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        ControlRecords.ensureCompactedTopics(config.bootstrapServers(), Duration.ofSeconds(30),
                config.rulesTopic(), config.silencesTopic());

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
        DataStream<RuleChange> ruleChanges = env
                .fromSource(ControlRecords.rules(config.bootstrapServers(), config.rulesTopic(), config.groupId()),
                        ControlRecords.neverHoldsBack(), "Rules from Kafka").uid("rules-source").setParallelism(1);
        DataStream<SilenceChange> silenceChanges = env
                .fromSource(ControlRecords.silences(config.bootstrapServers(), config.silencesTopic(), config.groupId()),
                        ControlRecords.neverHoldsBack(), "Silences from Kafka").uid("silences-source").setParallelism(1);

        Pipeline pipeline = new AlertJob(withStoredRules(rules, config), config.outOfOrderness(), config.maxFor(),
                config.flapControl()).build(metrics, ruleChanges, silenceChanges);

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

        if (config.jdbcUrl() != null) {
            pipeline.incidents().sinkTo(IncidentRows.sink(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword()))
                    .uid("incidents-table").name("Incidents to PostgreSQL");
        }

        metrics.getSideOutput(SplitRefused.DEAD_LETTERS).union(pipeline.deadLetters())
                .sinkTo(KafkaSink.<DeadLetter>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setRecordSerializer(KafkaRecords.deadLetters(config.deadLetterTopic()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build())
                .uid("dead-letter-sink").name("Dead letters to Kafka");
    }

    /**
     * The initial rules overlaid by what the {@code alert-rules} topic holds at submission, so that the first samples
     * are judged by the stored rules even before the broadcast side has caught up. Best effort: if the topic cannot be
     * read, the job starts with the initial rules and the topic source catches up shortly after.
     */
    static RuleSet withStoredRules(RuleSet initial, AlertJobConfig config) {
        java.util.Map<String, io.hubwatch.rules.Rule> rules = new java.util.LinkedHashMap<>();
        initial.rules().forEach(r -> rules.put(r.id(), r));
        try {
            RuleBook check = new RuleBook(new RuleSet(List.of()), config.maxFor());
            for (RuleChange change : ControlRecords.currentRules(config.bootstrapServers(), config.rulesTopic(),
                    Duration.ofSeconds(15))) {
                if (change.json == null) {
                    rules.remove(change.id);
                } else if (check.problemWith(change) == null) {
                    rules.put(change.id, RuleFiles.parseRule(change.json, config.rulesTopic()));
                }
            }
        } catch (RuntimeException | RuleFileException e) {
            org.slf4j.LoggerFactory.getLogger(AlertJob.class).warn(
                    "could not read the current rules from {}; starting with the initial rules", config.rulesTopic(), e);
        }
        return new RuleSet(List.copyOf(rules.values()), initial.inhibitRules());
    }

    /** The initial rules: the rule file named in the config, else the defaults, else none (topic only). */
    public static RuleSet loadRules(AlertJobConfig config) throws RuleFileException {
        if (config.rulesFile() != null) {
            return RuleFiles.read(config.rulesFile());
        }
        return config.defaultRules() ? RuleSet.defaults() : new RuleSet(List.of(), RuleSet.defaults().inhibitRules());
    }

    /**
     * Parses the options and runs the job. Bad options fail with an exception naming them (never {@code System.exit}:
     * in application mode that would stop the JobManager).
     */
    public static void main(String[] args) throws Exception {
        AlertJobConfig config = AlertJobConfig.fromArgs(args);
        RuleSet rules;
        try {
            rules = loadRules(config);
        } catch (RuleFileException e) {
            throw new IllegalArgumentException("--rules: " + e.getMessage(), e);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        wire(env, config, rules);
        env.execute(NAME);
    }
}

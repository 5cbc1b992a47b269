package io.hubwatch.jobs.alerting;

import io.hubwatch.jobs.RestartPolicy;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.Incident;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.internal.AlertLifecycle;
import io.hubwatch.jobs.alerting.internal.AlertSignal;
import io.hubwatch.jobs.alerting.internal.EvaluateRules;
import io.hubwatch.jobs.alerting.internal.FlapControl;
import io.hubwatch.jobs.alerting.internal.HeldFor;
import io.hubwatch.jobs.alerting.internal.HeldForPattern;
import io.hubwatch.jobs.alerting.internal.MuteIncidents;
import io.hubwatch.jobs.alerting.internal.RuleBook;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import io.hubwatch.jobs.alerting.internal.SeriesSample;
import io.hubwatch.jobs.alerting.internal.ToSeriesSamples;
import io.hubwatch.jobs.kafka.ControlRecords;
import io.hubwatch.jobs.jdbc.IncidentRows;
import io.hubwatch.jobs.kafka.Ingested;
import io.hubwatch.jobs.kafka.MetricRecordDeserializer;
import io.hubwatch.jobs.kafka.SplitRefused;
import io.hubwatch.jobs.kafka.EventTime;
import io.hubwatch.jobs.kafka.KafkaIO;
import io.hubwatch.jobs.kafka.IncidentRecordDeserializer;
import io.hubwatch.jobs.keys.StringKeys;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The alert job: metric events in, threshold incidents out, with Prometheus {@code for} semantics found by Flink CEP,
 * rules that change at run time, and silences and inhibition marked on the incidents.
 *
 * <pre>
 *   metrics → series samples ─[series]─ evaluate rules ─[rule|series]─ held for (CEP) ═ alert lifecycle ─ mute ─ incidents
 *                                       (in series order)                 (breaches + samples)   │        │
 *   alert-rules (broadcast) ──────────────────┴──────────────────────────────────────────────────┘        │
 *   alert-silences (broadcast) ────────────────────────────────────────────────────────────────────────────┤
 *   anomaly-incidents (the anomaly job's, committed) ───────────────────────────────────────────────────────┘
 * </pre>
 *
 * <p>Anomaly detection runs in a job of its own ({@link io.hubwatch.jobs.anomaly.AnomalyJob}): its detectors are
 * ~22 KB of state per scored series, which this job's 200 ms checkpoints would write five times a second. Its incidents
 * come back through their topic so that silences and inhibition apply to both kinds.
 *
 * <p>Each sample is judged as it arrives, in its series' order; the watermark only drives timers. Tests call
 * {@link #build} on streams with timestamps and watermarks:
 * <pre>{@code
 * AlertJob.Pipeline p = new AlertJob(RuleSet.defaults())
 *         .build(env.fromData(events).assignTimestampsAndWatermarks(strategy));
 * p.incidents().executeAndCollect(10);
 * }</pre>
 * {@link #main} parses {@link AlertJobConfig} and wires Kafka (and PostgreSQL) in and out.
 */
public final class AlertJob {
    public static final String NAME = "hubwatch-alert-job";

    private final RuleSet rules;
    private final Duration maxFor;
    private final FlapControl flapControl;
    /** The metrics come from {@link MetricRecordDeserializer}, which refuses invalid events: no need to check again. */
    private boolean metricsValidated;

    /** The job's two outputs: incidents, and refused input with the reason. */
    public record Pipeline(DataStream<Incident> incidents, DataStream<DeadLetter> deadLetters) {}

    /** The job with {@code for} up to 1 h and the default flap control. */
    public AlertJob(RuleSet initialRules) {
        this(initialRules, Duration.ofHours(1), FlapControl.defaults());
    }

    /**
     * @deprecated lateness no longer applies: samples are judged in order per series, not against the watermark; use
     *             {@link #AlertJob(RuleSet)}
     */
    @Deprecated
    public AlertJob(RuleSet initialRules, Duration allowedLateness) {
        this(initialRules);
    }

    /**
     * @param maxFor the longest {@code for} a rule may have: it bounds how long CEP keeps a run, and how long a silent
     *               series' state is kept (plus {@link HeldForPattern#STALENESS})
     */
    public AlertJob(RuleSet initialRules, Duration maxFor, FlapControl flapControl) {
        this.rules = initialRules;
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
     * The pipeline over a metrics stream in order per series (as a Kafka topic keyed by series gives it), with event-time
     * timestamps and watermarks, and with rule changes and silences (their watermarks must not hold the metrics back:
     * see {@link ControlRecords#neverHoldsBack()}). Firing and resolving follow each series' own order; the watermark
     * drives only the timers (no-data, {@code keep_firing_for}, flap windows).
     */
    public Pipeline build(DataStream<MetricEvent> metrics, DataStream<RuleChange> ruleChanges,
                          DataStream<SilenceChange> silenceChanges) {
        return build(metrics, ruleChanges, silenceChanges, null);
    }

    /**
     * {@link #build(DataStream, DataStream, DataStream)}, with incidents from elsewhere (the anomaly job's, through
     * its topic) joining the threshold incidents before silences and inhibition, so that one stage mutes both kinds.
     * They must not hold back the metrics' watermark ({@link ControlRecords#neverHoldsBack()}).
     *
     * @param otherIncidents null for none
     */
    public Pipeline build(DataStream<MetricEvent> metrics, DataStream<RuleChange> ruleChanges,
                          DataStream<SilenceChange> silenceChanges, DataStream<Incident> otherIncidents) {
        RuleBook book = new RuleBook(rules, maxFor);
        BroadcastStream<RuleChange> ruleBroadcast = ruleChanges.broadcast(RuleBook.STATE);

        SingleOutputStreamOperator<SeriesSample> seriesSamples = metrics
                .process(new ToSeriesSamples(metricsValidated)).returns(SeriesSample.class)
                // as parallel as its input, so chained to it: a rebalance here would break each series' order
                .setParallelism(metrics.getParallelism())
                .uid("series-samples").name("Series samples");
        SingleOutputStreamOperator<RuleSample> samples = seriesSamples
                .keyBy(s -> s.series, StringKeys.TYPE)
                .connect(ruleBroadcast)
                .process(new EvaluateRules(book, maxFor.plus(HeldForPattern.STALENESS))).returns(RuleSample.class)
                .uid("evaluate-rules").name("Evaluate rules in series order")
                .setBufferTimeout(THIN_EDGE_BUFFER_TIMEOUT_MS);

        KeySelector<AlertSignal, String> byKey = s -> s.key;
        DataStream<AlertSignal> signals = HeldFor.apply(samples.keyBy(s -> s.key, StringKeys.TYPE), maxFor)
                .uid("held-for-cep").name("Held for (CEP)")
                .setBufferTimeout(THIN_EDGE_BUFFER_TIMEOUT_MS);

        DataStream<Incident> changes = DataStreamUtils.reinterpretAsKeyedStream(signals, byKey, StringKeys.TYPE)
                .connect(ruleBroadcast)
                .process(new AlertLifecycle(book, flapControl)).returns(Incident.class)
                .uid("alert-lifecycle").name("Alert lifecycle")
                .setBufferTimeout(THIN_EDGE_BUFFER_TIMEOUT_MS);
        if (otherIncidents != null) {
            // anomaly incidents take the same path as threshold ones from here: silences, inhibition, Kafka, PostgreSQL
            changes = changes.union(otherIncidents);
        }

        DataStream<Incident> incidents = changes
                .keyBy(i -> "all", Types.STRING)
                .connect(silenceChanges.broadcast(MuteIncidents.SILENCES))
                .process(new MuteIncidents(rules.inhibitRules())).returns(Incident.class)
                .uid("mute-incidents").name("Silences and inhibition");

        return new Pipeline(incidents, seriesSamples.getSideOutput(SplitRefused.DEAD_LETTERS)
                .union(samples.getSideOutput(SplitRefused.DEAD_LETTERS)));
    }

    /** How long a record may wait in a network buffer, unless {@code execution.buffer-timeout.interval} is set. */
    static final long ALERT_BUFFER_TIMEOUT_MS = 5;

    /**
     * The buffer timeout of the exchanges after rule evaluation: none, each record is flushed as it is written. Of the
     * rule path's four exchanges only the first (samples to {@link EvaluateRules}, keyed by series) carries every
     * event; {@link EvaluateRules} passes on only what can start, complete or break a run (not a healthy series'
     * repeats, nor the samples inside a run), and the lifecycle only changes of an alert. On those thin edges a
     * record would mostly wait the whole timeout for company that does not come, U(0, 5 ms) on each of three
     * exchanges; flushing at once costs a wake-up per record, and no flusher thread. Measured (2026-12-03): the job's
     * part of a {@code for: 0s} alert went from a median of 20 to 9 ms (benchmarks/results/alert-latency.md), the storm
     * of {@code benchmarks/alert-throughput.sh} lost nothing. The worst case is a flapping flood (every other sample of
     * every series crossing its threshold), where these edges carry every event too: 13-17 % fewer events per CPU
     * second there (alert-throughput.md, -Dflapping=true).
     */
    static final long THIN_EDGE_BUFFER_TIMEOUT_MS = 0;

    /**
     * Adds the whole job, Kafka sources to Kafka (and PostgreSQL) sinks, to {@code env}: metrics, rule changes,
     * silences, and the anomaly job's committed incidents (to silence and inhibit them, and pass them on).
     */
    public static void wire(StreamExecutionEnvironment env, AlertJobConfig config, RuleSet rules) {
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        if (!env.getConfiguration().getOptional(ExecutionOptions.BUFFER_TIMEOUT).isPresent()) {
            // A record waits in an output buffer until it fills or this timeout flushes it, at every exchange; the
            // rule path has four (series, rule|series, lifecycle, muting), and this is the first's: the other three
            // are thin and flush each record (THIN_EDGE_BUFFER_TIMEOUT_MS). Flink's default of 100 ms cost ~150 ms of
            // alert latency at low rates; 5 ms costs ~8 ms more than 1 ms (benchmarks/results/alert-latency.md). 1 ms
            // was measured and not kept: at 25,000 events/s a 32 KiB buffer fills in ~25 ms, so at 1 ms every exchange
            // ships tiny buffers, 13-21 % more CPU per event in catch-up (alert-throughput.md, in turns), and the
            // flusher threads cost ~0.1 core more in an idle `up`. A deployment that wants the 8 ms sets
            // execution.buffer-timeout.interval: 1ms.
            env.setBufferTimeout(ALERT_BUFFER_TIMEOUT_MS);
        }
        // Chained operators hand a record on as it is, instead of a deep copy through its serializer: the copies were
        // two per event at the source (the parsed record, then the event, labels map rebuilt by reflection) and one per
        // incident. Safe here because every operator of this job makes new output objects and none changes an input
        // after handing it on (CEP copies what it keeps when reuse is on); records from the network are always new
        // objects. AlertJobObjectReuseTest runs the pipeline both ways and compares.
        env.getConfig().enableObjectReuse();
        // a record that keeps failing the job must not restart it forever: bounded restarts, then FAILED (DOWN in /health)
        RestartPolicy.bounded().applyTo(env);
        // a source on a missing topic gets no split; the anomaly job may start later, or not at all
        ControlRecords.ensureTopics(config.kafka(), Duration.ofSeconds(30), List.of(
                ControlRecords.compacted(config.rulesTopic()), ControlRecords.compacted(config.silencesTopic()),
                new org.apache.kafka.clients.admin.NewTopic(config.anomalyIncidentsTopic(), java.util.Optional.empty(),
                        java.util.Optional.empty())));

        Properties kafka = config.kafka().properties();   // --kafka-property / --kafka-properties, for every client
        KafkaSource<Ingested> source = KafkaIO.source(config.bootstrapServers(), kafka, config.metricsTopic(),
                config.groupId(), new MetricRecordDeserializer("alert-job/parse", config.maxFutureSkew()));
        WatermarkStrategy<Ingested> watermarks = EventTime.watermarks(Ingested::eventTime, config.outOfOrderness(),
                config.idleness());

        SingleOutputStreamOperator<MetricEvent> metrics = env
                .fromSource(source, watermarks, "Metrics from Kafka").uid("metrics-source")
                .process(new SplitRefused()).uid("parse-metrics").name("Refuse malformed events");
        DataStream<RuleChange> ruleChanges = env
                .fromSource(ControlRecords.rules(config.kafka(), config.rulesTopic(), config.groupId()),
                        ControlRecords.neverHoldsBack(), "Rules from Kafka").uid("rules-source").setParallelism(1);
        DataStream<SilenceChange> silenceChanges = env
                .fromSource(ControlRecords.silences(config.kafka(), config.silencesTopic(), config.groupId()),
                        ControlRecords.neverHoldsBack(), "Silences from Kafka").uid("silences-source").setParallelism(1);

        // committed only: the anomaly job writes in transactions, and an aborted attempt is written again on restore
        SingleOutputStreamOperator<Incident> anomalies = env
                .fromSource(KafkaIO.committedSource(config.bootstrapServers(), kafka, config.anomalyIncidentsTopic(),
                                config.groupId() + "-anomalies", new IncidentRecordDeserializer("alert-job/anomaly-incidents")),
                        ControlRecords.neverHoldsBack(), "Anomaly incidents from Kafka").uid("anomaly-incidents-source")
                .setParallelism(1)
                .process(SplitRefused.incidents()).returns(Incident.class).setParallelism(1)
                .uid("parse-anomaly-incidents").name("Refuse what is not an incident")
                .setBufferTimeout(THIN_EDGE_BUFFER_TIMEOUT_MS);

        AlertJob job = new AlertJob(withStoredRules(rules, config), config.maxFor(), config.flapControl());
        job.metricsValidated = true; // parsed by MetricRecordDeserializer, through SplitRefused
        Pipeline pipeline = job.build(metrics, ruleChanges, silenceChanges, anomalies);

        pipeline.incidents()
                .sinkTo(KafkaIO.incidentsSink(config.bootstrapServers(), kafka, config.incidentsTopic(),
                        config.transactionalIdPrefix()))
                .uid("incidents-sink").name("Incidents to Kafka");

        if (config.jdbcUrl() != null) {
            pipeline.incidents().sinkTo(IncidentRows.sink(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword()))
                    .uid("incidents-table").name("Incidents to PostgreSQL");
        }

        metrics.getSideOutput(SplitRefused.DEAD_LETTERS).union(pipeline.deadLetters(),
                        anomalies.getSideOutput(SplitRefused.DEAD_LETTERS))
                .sinkTo(KafkaIO.deadLetterSink(config.bootstrapServers(), kafka, config.deadLetterTopic()))
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
            for (RuleChange change : ControlRecords.currentRules(config.kafka(), config.rulesTopic(),
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

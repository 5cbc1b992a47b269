package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Flink CEP's operator running {@link HeldForPattern} in processing-time mode on input that is already in event-time
 * order per key (rule + series), and passing every sample it gets on behind the breach it completed.
 *
 * <p>Why processing time: CEP in event time holds each sample until the global watermark passes it, so one slow or
 * silent series delays every other series' alerts. The input here is in order per key (see {@link EvaluateRules}), which
 * is all the pattern needs; processing time only makes CEP take each sample the moment it arrives. The pattern's
 * conditions measure {@code for} on the samples' own event times, so the semantics do not change.
 *
 * <p>Why every sample it gets is passed on from here: the lifecycle needs a breach and the samples around it in the
 * order they happened. Emitting the sample right after CEP has seen it gives exactly that order on one keyed channel,
 * without buffering until a watermark. Rules with {@code for: 0} skip the NFA (they fire on one sample). What it gets
 * is already thinned by {@link EvaluateRules}: a run's first sample, the one that completes it, the one that breaks
 * it, and a holding one now and then to keep the run from going stale here; not the samples in between, nor a
 * healthy series' repeats. The logic below still handles every sample of a run, as tests and older state give it.
 *
 * <p>State is bounded: a sample on which the condition does not hold ends every run of its key, so the key's NFA
 * state is dropped at once; a run whose last holding sample came the horizon ago (wall clock: the longest {@code for}
 * plus {@link HeldForPattern#STALENESS}) is ended, by the next sample or by a timer, exactly where CEP's window
 * ({@code within}) ended it when the pattern had one.
 *
 * <p>Why the run's start is kept here and handed to CEP on each sample ({@link RuleSample#runStart}): with the run's
 * first sample only reachable through CEP's shared buffer, the pattern kept every sample of a run and each condition
 * walked the buffer back to the first one (quadratic in the run's length). Profiled in
 * {@code benchmarks/alert-throughput.sh 10000 60 2}, that walk was 31 % of the job's CPU samples and the CEP buffer's
 * snapshot another 15 %; see docs/decisions.md. With the start at hand the pattern keeps one sample per run.
 *
 * <p>Why CEP sees only a run's first sample, the one that completes it and the one that breaks it: with the run's
 * start at hand, the samples in between can neither start, complete nor break a run (strict contiguity is kept by
 * this operator, which ends the run on any sample that does not hold). Handing them to the NFA cost its bookkeeping,
 * a buffer entry and (with {@code within}) a timer each: measured in docs/decisions.md.
 *
 * <p>Why a run that has breached goes on without CEP ({@link #MATCHED}) until a sample that does not hold: CEP, after
 * its match, would start a new run at the next holding sample and match it again every {@code for}, breaches the
 * lifecycle drops while the episode is open. In a storm (every series breaching for minutes, as in
 * {@code benchmarks/alert-throughput.sh}) those were two CEP calls per {@code for} and breaching (rule, series), most
 * of CEP's calls (68,000 of the benchmark's, 24,000 without them). The one case a repeated breach served, a rule
 * deleted and added again while its series breaches, is a rule new to the series: {@link RuleSample#restart} starts
 * its run afresh here, and it fires {@code for} later, as a new rule does in Prometheus.
 */
public final class HeldFor extends CepOperator<RuleSample, String, AlertSignal> {
    private static final long serialVersionUID = 1L;
    /** CEP's own names for its per-key NFA state and its count of events per timestamp (for event ids). */
    private static final String CEP_NFA_STATE = "nfaStateName";
    private static final String CEP_EVENT_COUNTS = "sharedBuffer-events-count";
    private static final int GRID_STEPS = 4;

    /** A run whose last holding sample is this old (wall clock) is over: the longest {@code for} + staleness. */
    private final long horizonMs;
    /**
     * {@link #runStart}'s value for a run that has breached and goes on: CEP has matched it and starts no new run until
     * a sample that does not hold (or the horizon) ends this one.
     */
    static final long MATCHED = Long.MIN_VALUE;
    /** Event time of the current run's first sample, {@link #MATCHED} once it has breached, or absent between runs. */
    private transient ValueState<Long> runStart;
    /**
     * Wall-clock time of the key's last holding sample while a run is open (also after its breach, until a sample
     * that does not hold ends it).
     */
    private transient ValueState<Long> lastHeld;
    /** Set when CEP emits a breach for the element being processed. */
    private transient boolean breached;
    private transient ValueState<NFAState> nfaState;
    private transient MapState<Long, Integer> eventCounts;
    private transient InternalTimerService<VoidNamespace> expiry;
    private transient long cepEvents;

    /** Use {@link #apply}; public for harness tests. */
    public HeldFor(TypeSerializer<RuleSample> serializer, Duration longestFor) {
        super(serializer, true, NFACompiler.compileFactory(HeldForPattern.pattern(), false), null,
                AfterMatchSkipStrategy.skipPastLastEvent(), new HeldForPattern.ToBreach(), null);
        this.horizonMs = longestFor.plus(HeldForPattern.STALENESS).toMillis();
    }

    /** Breaches and samples of each (rule, series), in the order they happened. */
    public static SingleOutputStreamOperator<AlertSignal> apply(KeyedStream<RuleSample, String> samples, Duration longestFor) {
        TypeSerializer<RuleSample> serializer = samples.getType().createSerializer(
                samples.getExecutionConfig().getSerializerConfig());
        return samples.transform("Held for (CEP)", TypeInformation.of(AlertSignal.class), new HeldFor(serializer, longestFor));
    }

    @Override
    public void open() throws Exception {
        output = new BreachWatch(output); // before super.open(), which builds CEP's collector on it
        super.open();
        lastHeld = getRuntimeContext().getState(new ValueStateDescriptor<>("last-held", Types.LONG));
        runStart = getRuntimeContext().getState(new ValueStateDescriptor<>("run-start", Types.LONG));
        nfaState = getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>(CEP_NFA_STATE, NFAState.class));
        eventCounts = getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new MapStateDescriptor<>(CEP_EVENT_COUNTS, Types.LONG, Types.INT));
        expiry = getInternalTimerService("held-for-expiry", VoidNamespaceSerializer.INSTANCE, this);
    }

    @Override
    public void processElement(StreamRecord<RuleSample> element) throws Exception {
        RuleSample sample = element.getValue();
        if (sample.forMs > 0) {
            long now = expiry.currentProcessingTime();
            Long last = lastHeld.value();
            if (sample.restart && last != null) {
                // the rule is new to this series (added, or deleted and added again): its run starts here; a run not
                // yet matched has its first sample in CEP's buffer, which only CEP's own processing lets go
                Long open = runStart.value();
                if (open != null && open != MATCHED) {
                    endSilentRun();
                } else {
                    endRun();
                }
                last = null;
            }
            if (last != null && now - last >= horizonMs) {
                endSilentRun(); // what CEP's window (within) did, when the pattern had one
                last = null;
            }
            // a run's start is only ever set together with lastHeld: without lastHeld no run is open, and a sample that
            // does not hold needs no second state lookup (most samples, normally)
            Long start = sample.holds || last != null ? runStart.value() : null;
            if (sample.holds) {
                boolean opens = start == null;
                if (opens) {
                    start = sample.timestamp;
                    runStart.update(start);
                }
                sample.runStart = start;
                // CEP needs the run's first sample and the one that completes it; the samples between can neither
                // start, complete nor break a run, and only cost NFA bookkeeping and buffer state; nor can the samples
                // of a run that has breached and goes on (MATCHED)
                if (start != MATCHED && (opens || HeldForPattern.completes(sample))) {
                    breached = false;
                    cepEvents++;
                    super.processElement(element); // emits the breach, if this sample completes a run
                    if (breached) {
                        runStart.update(MATCHED);
                        releaseCep(); // CEP skipped past the match: it keeps nothing of the run
                    }
                }
                if (last == null || now != last) {
                    lastHeld.update(now);
                }
                long grid = Math.max(1, horizonMs / GRID_STEPS);
                long due = ((now + horizonMs) / grid + 1) * grid;
                if (last == null || due != ((last + horizonMs) / grid + 1) * grid) {
                    // one timer per grid step: the one registered for the last sample's step covers this one
                    expiry.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
                }
            } else if (start != null && start != MATCHED) {
                cepEvents++;
                super.processElement(element); // ends the run: CEP releases the run's events from its buffer
                endRun();
            } else if (start != null || last != null) {
                endRun(); // a matched run ends: CEP holds nothing of it
            } // else no run is open and this sample cannot start one: CEP need not see it (most samples, normally)
        }
        output.collect(new StreamRecord<>(AlertSignal.sample(sample), element.getTimestamp()));
    }

    /** Samples handed to CEP's NFA since this operator opened (for tests: the samples in the middle of a run are not). */
    public long cepEvents() {
        return cepEvents;
    }

    /** A key silent in the middle of a run for the horizon: the run is over (the timer is due once per grid step). */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        Long last = lastHeld.value();
        if (last != null && last + horizonMs <= timer.getTimestamp()) {
            endSilentRun();
        } // else a later sample registered a later timer
    }

    /** The key's last holding sample came {@code horizon} or more ago: the run is over (as Prometheus' staleness). */
    private void endSilentRun() throws Exception {
        RuleSample silence = new RuleSample();
        silence.holds = false;
        super.processElement(new StreamRecord<>(silence)); // lets CEP release the run's events
        endRun();
    }

    /**
     * After a sample that does not hold, no partial match survives (every step of the pattern requires the condition,
     * with strict contiguity), so the run's events are released: what CEP still keeps for the key is its initial state,
     * which it recreates when absent, and the count of events it numbered at the last timestamps, which only events of
     * a live run refer to. Both are reached by CEP's state names (the backend hands out the state registered under a
     * name); {@code HeldForTest} fails if a Flink upgrade renames them.
     */
    private void endRun() throws Exception {
        releaseCep();
        lastHeld.clear();
        runStart.clear();
    }

    /** What CEP keeps for the key between runs (see {@link #endRun}); after a match it keeps nothing else either. */
    private void releaseCep() throws Exception {
        nfaState.clear();
        eventCounts.clear();
    }

    /** The operator's output, noting when CEP emits a breach (so that the run is marked {@link #MATCHED}). */
    private final class BreachWatch implements Output<StreamRecord<AlertSignal>> {
        private final Output<StreamRecord<AlertSignal>> out;

        BreachWatch(Output<StreamRecord<AlertSignal>> out) {
            this.out = out;
        }

        @Override
        public void collect(StreamRecord<AlertSignal> record) {
            if (record.getValue().type == AlertSignal.Type.BREACH) {
                breached = true;
            }
            out.collect(record);
        }

        @Override
        public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {
            out.collect(tag, record);
        }

        @Override
        public void emitWatermark(Watermark mark) {
            out.emitWatermark(mark);
        }

        @Override
        public void emitWatermarkStatus(WatermarkStatus status) {
            out.emitWatermarkStatus(status);
        }

        @Override
        public void emitLatencyMarker(LatencyMarker marker) {
            out.emitLatencyMarker(marker);
        }

        @Override
        public void emitRecordAttributes(RecordAttributes attributes) {
            out.emitRecordAttributes(attributes);
        }

        @Override
        public void emitWatermark(org.apache.flink.runtime.event.WatermarkEvent event) {
            out.emitWatermark(event);
        }

        @Override
        public void close() {
            out.close();
        }
    }
}

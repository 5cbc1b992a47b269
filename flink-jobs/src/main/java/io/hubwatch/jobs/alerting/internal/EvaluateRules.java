package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.Topics;
import io.hubwatch.jobs.alerting.RuleChange;
import io.hubwatch.jobs.kafka.SplitRefused;
import io.hubwatch.rules.Rule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Keyed by series: checks that each series' samples come in event-time order, then turns each sample into one
 * {@link RuleSample} per rule that watches its series. Samples arrive as {@link SeriesSample}s (see {@link ToSeriesSamples}).
 *
 * <p>Order per series replaces the global watermark on the firing and resolving path: Kafka keeps a series' samples in
 * order (the record key is the series), and Flink keeps the order of one key between operators, so a sample can be
 * judged the moment it arrives, whatever other series are doing. A sample that is not newer than the last one of its
 * series would rewrite that series' history; it goes to the dead-letter side output with the reason. Samples of
 * different series may come in any order.
 *
 * <p>The last sample time per series is the only state, and it goes once the series has been silent (wall clock) for
 * {@code horizon}: a processing-time timer, registered on a coarse grid so that a series sampled every second keeps at
 * most a handful of timers.
 *
 * <p>Rules come from the job's initial rule set and, at run time, from the {@code alert-rules} topic as broadcast
 * state, so a new, changed or deleted rule applies from the next sample on. An invalid rule record goes to the
 * dead-letter side output.
 */
public final class EvaluateRules extends KeyedBroadcastProcessFunction<String, SeriesSample, RuleChange, RuleSample> {
    private static final long serialVersionUID = 1L;
    /** Timers fall on a grid of horizon / GRID_STEPS: at most that many (plus one) per live series. */
    private static final int GRID_STEPS = 4;

    static final ValueStateDescriptor<SeriesClock> CLOCK = new ValueStateDescriptor<>("series-clock", SeriesClock.class);

    private final RuleBook rules;
    private final long horizonMs;
    private transient ValueState<SeriesClock> clock;
    private transient Counter outOfOrder;

    /** What a series remembers: its last sample's event time, and when (wall clock) it arrived. A POJO. */
    public static class SeriesClock {
        public long lastEventTime;
        public long lastArrival;
    }

    /**
     * @param horizon how long a silent series' order is remembered; a sample older than its series' last one arriving
     *                later than this is evaluated rather than refused
     */
    public EvaluateRules(RuleBook rules, Duration horizon) {
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("series horizon must be positive, was " + horizon);
        }
        this.rules = rules;
        this.horizonMs = horizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        clock = getRuntimeContext().getState(CLOCK);
        outOfOrder = getRuntimeContext().getMetricGroup().counter("outOfOrderEvents");
    }

    @Override
    public void processElement(SeriesSample event, ReadOnlyContext ctx, Collector<RuleSample> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        SeriesClock c = clock.value();
        long grid = Math.max(1, horizonMs / GRID_STEPS);
        long due = ((now + horizonMs) / grid + 1) * grid;
        boolean timerSet = false;
        if (c == null) {
            c = new SeriesClock();
        } else if (event.timestamp <= c.lastEventTime) {
            outOfOrder.inc();
            ctx.output(SplitRefused.DEAD_LETTERS, deadLetter(event, "out-of-order event: event time "
                    + Instant.ofEpochMilli(event.timestamp) + " is not after the last sample of series "
                    + ctx.getCurrentKey() + " at " + Instant.ofEpochMilli(c.lastEventTime)));
            return;
        } else {
            // the timer registered for the last sample's grid step covers this one, unless the step moved on
            timerSet = due == ((c.lastArrival + horizonMs) / grid + 1) * grid;
        }
        c.lastEventTime = event.timestamp;
        c.lastArrival = now;
        clock.update(c);
        if (!timerSet) {
            ctx.timerService().registerProcessingTimeTimer(due);
        }

        List<Rule> watching = rules.forMetric(event.metric, ctx.getBroadcastState(RuleBook.STATE));
        if (watching.isEmpty()) {
            return;
        }
        Map<String, String> series = null; // built only for a rule with matchers (a sorted copy per event otherwise)
        String seriesKey = event.series;
        for (Rule rule : watching) {
            if (!rule.matchers().isEmpty() && series == null) {
                series = event.seriesLabels();
            }
            if (rule.matchers().isEmpty() || rule.appliesTo(series)) {
                boolean holds = rule.holds(event.value);
                // no labels: the key carries them, and the lifecycle reads them back (Labels.ofSeriesKey) only for
                // the samples that become incidents, instead of every stage (de)serialising a map per sample
                out.collect(new RuleSample(rule.id(), seriesKey, event.timestamp, event.value, holds,
                        rule.recovered(event.value), rule.forDuration().toMillis(), null));
            }
        }
    }

    /** A series silent past the horizon forgets its order. */
    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<RuleSample> out) throws Exception {
        SeriesClock c = clock.value();
        if (c != null && c.lastArrival + horizonMs <= time) {
            clock.clear();
        }
    }

    @Override
    public void processBroadcastElement(RuleChange change, Context ctx, Collector<RuleSample> out) throws Exception {
        if (change.json == null) {
            ctx.getBroadcastState(RuleBook.STATE).put(change.id, "");
            rules.invalidate();
            return;
        }
        String problem = rules.problemWith(change);
        if (problem != null) {
            ctx.output(SplitRefused.DEAD_LETTERS, new DeadLetter(Topics.ALERT_RULES, "alert-job/rules",
                    "rule '" + change.id + "' refused, the previous version stays in force: " + problem,
                    change.json, Instant.now()));
            return;
        }
        ctx.getBroadcastState(RuleBook.STATE).put(change.id, change.json);
        rules.invalidate();
    }

    private static DeadLetter deadLetter(SeriesSample sample, String reason) {
        return new DeadLetter(Topics.METRICS, "alert-job/order", reason, sample.toJson(), Instant.now());
    }
}

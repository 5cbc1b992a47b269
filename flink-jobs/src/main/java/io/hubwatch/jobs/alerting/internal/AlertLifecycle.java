package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.Incident;
import io.hubwatch.events.Labels;
import io.hubwatch.jobs.alerting.RuleChange;
import io.hubwatch.rules.Rule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle of one (rule, series): pending (CEP is timing {@code for}) → firing → resolved.
 * <ul>
 *   <li>A breach from CEP opens an episode and emits one {@code firing}; further breaches of an open episode are
 *       dropped (a run that goes on after its breach breaches no more, see {@link HeldFor#MATCHED}; but a rule changed
 *       or restored from older state may breach again).</li>
 *   <li>A sample that has recovered (the condition no longer holds and, with {@code recovery_threshold}, the value is
 *       back past it) resolves the episode, or with {@code keep_firing_for} starts a countdown that a new breaching
 *       sample cancels.</li>
 *   <li>{@code absent_for}: a series silent that long (in event time) raises a NoData incident (label
 *       {@code alertstate="nodata"}), resolved by its next sample.</li>
 *   <li>Flap control ({@link FlapControl}) and deleting a rule (its open episodes resolve) as described there.</li>
 * </ul>
 * Signals come from {@link HeldFor} on one keyed channel, breaches right before the sample that completed them, in the
 * order each (rule, series) happened, so each is handled at once: firing and resolving never wait for the global
 * watermark. Only the timers ({@code keep_firing_for}, no-data, flap windows) run on event time, i.e. the watermark. A
 * (rule, series) that is neither firing nor flapping nor watched for no-data keeps no state.
 */
public final class AlertLifecycle extends KeyedBroadcastProcessFunction<String, AlertSignal, RuleChange, Incident> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<Episode> EPISODE = new ValueStateDescriptor<>("episode", Episode.class);
    private static final long NONE = Long.MIN_VALUE;

    private final RuleBook rules;
    private final FlapControl flapControl;

    private transient ValueState<Episode> episode;
    private transient Counter firingCount;
    private transient Counter resolvedCount;
    private transient Counter suppressedCount;

    /** Everything this (rule, series) remembers. A POJO; null when there is nothing to remember. */
    public static class Episode {
        /** Internal truth: an episode is open (firing, or suppressed by flap control). */
        public boolean open;
        public long startsAt = NONE;
        public long activeAt = NONE;
        /** keep_firing_for: when the condition recovered, or NONE. */
        public long clearingSince = NONE;
        /** startsAt of the firing incident last emitted and not yet resolved, or NONE. */
        public long emittedStartsAt = NONE;
        public long emittedActiveAt = NONE;
        public double lastValue;
        public Map<String, String> labels;
        /** absent_for: the last sample's time, or NONE; and the NoData episode's start, or NONE. */
        public long lastSeen = NONE;
        public long noDataSince = NONE;
        /** Flap control: recent change times (event time) and whether changes are being held back. */
        public List<Long> changes = new ArrayList<>();
        public boolean flapping;
        public long lastCloseAt = NONE;
        /** The rule's version the flap history was counted under: a changed rule starts a new history. */
        public int ruleVersion;

        boolean isEmpty() {
            return !open && emittedStartsAt == NONE && lastSeen == NONE && noDataSince == NONE && !flapping
                    && changes.isEmpty();
        }
    }

    public AlertLifecycle(RuleBook rules, FlapControl flapControl) {
        this.rules = rules;
        this.flapControl = flapControl;
    }

    @Override
    public void open(OpenContext openContext) {
        episode = getRuntimeContext().getState(EPISODE);
        firingCount = getRuntimeContext().getMetricGroup().counter("incidentsFiring");
        resolvedCount = getRuntimeContext().getMetricGroup().counter("incidentsResolved");
        suppressedCount = getRuntimeContext().getMetricGroup().counter("flappingSuppressed");
    }

    @Override
    public void processElement(AlertSignal signal, ReadOnlyContext ctx, Collector<Incident> out) throws Exception {
        handle(signal, ctx, out); // in order: one keyed channel from HeldFor, which keeps each (rule, series) in order
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Incident> out) throws Exception {
        Episode e = episode.value();
        if (e == null) {
            return;
        }
        Rule rule = rules.rule(ruleId(ctx.getCurrentKey()), () -> ctx.getBroadcastState(RuleBook.STATE));
        if (rule == null) {
            episode.clear(); // the rule is gone; its episodes were resolved when it was deleted
            return;
        }
        if (e.open && e.clearingSince != NONE && e.clearingSince + rule.keepFiringFor().toMillis() <= time) {
            close(rule, e, time, e.lastValue, ctx, out);
        }
        if (rule.absentFor() != null && e.lastSeen != NONE && e.noDataSince == NONE
                && e.lastSeen + rule.absentFor().toMillis() <= time) {
            e.noDataSince = time;
            firingCount.inc();
            out.collect(IncidentFactory.noData(rule, seriesLabels(e, ctx.getCurrentKey()), e.lastValue, Instant.ofEpochMilli(time),
                    Instant.ofEpochMilli(e.lastSeen), null));
        }
        if (e.flapping && !e.changes.isEmpty() && e.changes.get(e.changes.size() - 1) + flapControl.window().toMillis() <= time) {
            settle(rule, e, ctx.getCurrentKey(), out);
        }
        e.changes.removeIf(t -> t + flapControl.window().toMillis() <= time); // history older than a window is moot
        save(e);
    }

    private void handle(AlertSignal s, ReadOnlyContext ctx, Collector<Incident> out) throws Exception {
        Rule rule = rules.rule(s.ruleId, () -> ctx.getBroadcastState(RuleBook.STATE));
        if (rule == null) {
            return; // deleted since
        }
        Episode stored = episode.value();
        if (stored == null && s.type == AlertSignal.Type.SAMPLE && rule.absentFor() == null
                && !(s.holds && rule.forDuration().isZero())) {
            return; // no episode and none to start: what follows would build one and drop it (most samples)
        }
        Episode e = stored != null ? stored : new Episode();
        if (s.labels != null) {
            e.labels = s.labels; // else the key names them (see seriesLabels)
        }
        int version = rules.version(rule);
        if (e.ruleVersion != version) {
            // the operator changed the rule: changes it causes are not flapping, and old history does not count
            e.ruleVersion = version;
            e.changes.clear();
        }
        if (s.type == AlertSignal.Type.SAMPLE) {
            e.lastValue = s.value;
            if (rule.absentFor() != null) {
                if (e.noDataSince != NONE) {
                    resolvedCount.inc();
                    out.collect(IncidentFactory.noData(rule, seriesLabels(e, ctx.getCurrentKey()), s.value, Instant.ofEpochMilli(e.noDataSince),
                            Instant.ofEpochMilli(e.lastSeen), Instant.ofEpochMilli(s.timestamp)));
                    e.noDataSince = NONE;
                }
                e.lastSeen = Math.max(e.lastSeen, s.timestamp);
                ctx.timerService().registerEventTimeTimer(e.lastSeen + rule.absentFor().toMillis());
            }
        }
        boolean breach = s.type == AlertSignal.Type.BREACH || (s.holds && rule.forDuration().isZero());
        if (breach) {
            if (!e.open) {
                open(rule, e, s.timestamp, s.activeAt, s.value, ctx, out);
            }
            e.clearingSince = NONE;
        } else if (s.type == AlertSignal.Type.SAMPLE && e.open) {
            if (!s.recovered) {
                e.clearingSince = NONE; // still breaching, or inside the hysteresis band
            } else if (rule.keepFiringFor().isZero()) {
                close(rule, e, s.timestamp, s.value, ctx, out);
            } else if (e.clearingSince == NONE) {
                e.clearingSince = s.timestamp;
                ctx.timerService().registerEventTimeTimer(s.timestamp + rule.keepFiringFor().toMillis());
            }
        }
        if (stored != null || !e.isEmpty()) {
            save(e); // else nothing was kept and nothing is: no state to clear (most samples)
        }
    }

    private void open(Rule rule, Episode e, long at, long activeAt, double value, ReadOnlyContext ctx,
                      Collector<Incident> out) {
        e.open = true;
        e.startsAt = at;
        e.activeAt = activeAt;
        e.clearingSince = NONE;
        if (recordChange(e, at, ctx)) {
            return;
        }
        if (e.emittedStartsAt == NONE) {
            emitFiring(rule, e, ctx.getCurrentKey(), value, out);
        }
    }

    private void close(Rule rule, Episode e, long at, double value, ReadOnlyContext ctx, Collector<Incident> out) {
        e.open = false;
        e.clearingSince = NONE;
        e.lastCloseAt = at;
        if (recordChange(e, at, ctx)) {
            return;
        }
        if (e.emittedStartsAt != NONE) {
            emitResolved(rule, e, ctx.getCurrentKey(), at, value, out);
        }
    }

    /**
     * Notes a change of state; returns true when it is held back because the series is flapping. The timer a window
     * later either settles a flapping series or lets the history (and with it the state) go.
     */
    private boolean recordChange(Episode e, long at, ReadOnlyContext ctx) {
        long horizon = at - flapControl.window().toMillis();
        e.changes.removeIf(t -> t <= horizon);
        e.changes.add(at);
        ctx.timerService().registerEventTimeTimer(at + flapControl.window().toMillis());
        if (e.changes.size() > flapControl.maxChanges()) {
            e.flapping = true;
        }
        if (e.flapping) {
            suppressedCount.inc();
            return true;
        }
        return false;
    }

    /** Stable for a whole window: emit the state the series settled in, if it is not what was last emitted. */
    private void settle(Rule rule, Episode e, String key, Collector<Incident> out) {
        e.flapping = false;
        e.changes.clear();
        if (e.open && e.emittedStartsAt == NONE) {
            emitFiring(rule, e, key, e.lastValue, out);
        } else if (!e.open && e.emittedStartsAt != NONE) {
            emitResolved(rule, e, key, e.lastCloseAt, e.lastValue, out);
        }
    }

    private void emitFiring(Rule rule, Episode e, String key, double value, Collector<Incident> out) {
        e.emittedStartsAt = e.startsAt;
        e.emittedActiveAt = e.activeAt;
        firingCount.inc();
        out.collect(IncidentFactory.firing(rule, seriesLabels(e, key), value, Instant.ofEpochMilli(e.startsAt),
                Instant.ofEpochMilli(e.activeAt)));
    }

    private void emitResolved(Rule rule, Episode e, String key, long at, double value, Collector<Incident> out) {
        resolvedCount.inc();
        out.collect(IncidentFactory.resolved(rule, seriesLabels(e, key), value, Instant.ofEpochMilli(e.emittedStartsAt),
                Instant.ofEpochMilli(Math.max(at, e.emittedStartsAt)), Instant.ofEpochMilli(e.emittedActiveAt)));
        e.emittedStartsAt = NONE;
        e.emittedActiveAt = NONE;
    }

    /** Keeps the state, or drops it when there is nothing to remember (not firing, no recent changes, no no-data watch). */
    private void save(Episode e) throws Exception {
        if (e.isEmpty()) {
            episode.clear();
        } else {
            episode.update(e);
        }
    }

    /** A deleted rule resolves its open incidents at once (at the current watermark), and its state goes. */
    @Override
    public void processBroadcastElement(RuleChange change, Context ctx, Collector<Incident> out) throws Exception {
        ReadOnlyBroadcastState<String, String> before = ctx.getBroadcastState(RuleBook.STATE);
        Rule old = rules.rule(change.id, before);
        if (change.json == null) {
            ctx.getBroadcastState(RuleBook.STATE).put(change.id, "");
            rules.invalidate();
            if (old != null) {
                // the watermark, but never past the clock: with every metrics partition idle, only the control topics'
                // watermarks count, and they are at the maximum
                long now = Math.max(Math.min(ctx.currentWatermark(), ctx.currentProcessingTime()), 0);
                String prefix = change.id + "|";
                ctx.applyToKeyedState(EPISODE, (key, state) -> {
                    Episode e = state.value();
                    if (!key.startsWith(prefix) || e == null) {
                        return;
                    }
                    if (e.emittedStartsAt != NONE) {
                        emitResolved(old, e, key, Math.max(now, e.emittedStartsAt), e.lastValue, out);
                    }
                    if (e.noDataSince != NONE) {
                        resolvedCount.inc();
                        out.collect(IncidentFactory.noData(old, seriesLabels(e, key), e.lastValue, Instant.ofEpochMilli(e.noDataSince),
                                Instant.ofEpochMilli(e.lastSeen), Instant.ofEpochMilli(Math.max(now, e.noDataSince))));
                    }
                    state.clear();
                });
            }
            return;
        }
        if (rules.problemWith(change) == null) { // a refused rule is dead-lettered by EvaluateRules
            ctx.getBroadcastState(RuleBook.STATE).put(change.id, change.json);
            rules.invalidate();
        }
    }

    /**
     * The series labels: read back from the key ({@code rule|series key}) for the few signals that become incidents;
     * signals and episodes carry them only from a version that shipped them with every sample (or from tests).
     */
    private static Map<String, String> seriesLabels(Episode e, String key) {
        return e.labels != null ? e.labels : Labels.ofSeriesKey(key.substring(key.indexOf('|') + 1));
    }

    private static String ruleId(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? key : key.substring(0, bar);
    }
}

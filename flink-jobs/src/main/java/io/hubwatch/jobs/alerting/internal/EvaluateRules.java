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
 * <p>Only the rule samples that can change something after this stage are passed on ({@link #passOn}): the first of a
 * run, the one that completes it, the one that breaks it, a change between holding, hysteresis band and recovered.
 * The samples in the middle of a run, and a healthy series' samples, are judged here and go no further: one state
 * lookup per sample instead of a keyed hand-off, a CEP operator's and a lifecycle's lookups per rule.
 *
 * <p>State per series: the last sample's time and, per rule watching it, a {@link RuleTrack}. It goes once the series
 * has been silent (wall clock) for {@code horizon}: a processing-time timer, registered on a coarse grid so that a
 * series sampled every second keeps at most a handful of timers.
 *
 * <p>Rules come from the job's initial rule set and, at run time, from the {@code alert-rules} topic as broadcast
 * state, so a new, changed or deleted rule applies from the next sample on. An invalid rule record goes to the
 * dead-letter side output.
 */
public final class EvaluateRules extends KeyedBroadcastProcessFunction<String, SeriesSample, RuleChange, RuleSample> {
    private static final long serialVersionUID = 1L;
    /** Timers fall on a grid of horizon / GRID_STEPS: at most that many (plus one) per live series. */
    private static final int GRID_STEPS = 4;
    /**
     * HeldFor ends a run whose last holding sample it saw the horizon ago. Passing one on every horizon / 8 keeps a run
     * whose series is sampled alive as before; a run now survives a silence of at least 7/8 of the horizon (before:
     * the whole horizon; the horizon is the longest {@code for} plus 5 minutes, Prometheus' staleness is 5 minutes).
     */
    static final int REFRESH_STEPS = 8;

    static final ValueStateDescriptor<SeriesClock> CLOCK = new ValueStateDescriptor<>("series-clock", SeriesClock.class);

    private final RuleBook rules;
    private final long horizonMs;
    /** A holding sample is passed on at least this often (wall clock) in a run: HeldFor's staleness clock. */
    private final long refreshMs;
    private final boolean passEverySample;
    private transient ValueState<SeriesClock> clock;
    private transient Counter outOfOrder;

    /**
     * What a series remembers: its last sample's event time, when (wall clock) it arrived, and per rule watching it what
     * the later stages know of it ({@link RuleTrack}). A POJO.
     */
    public static class SeriesClock {
        public long lastEventTime;
        public long lastArrival;
        /** Null in state written before samples were filtered here: every rule's next sample is then passed on. */
        public RuleTrack[] tracks;

        RuleTrack track(String ruleId) {
            if (tracks != null) {
                for (RuleTrack t : tracks) {
                    if (t.ruleId.equals(ruleId)) {
                        return t;
                    }
                }
            }
            return null;
        }

        void forgetTracksExcept(List<Rule> watching) {
            keepTracks(t -> watching.stream().anyMatch(r -> r.id().equals(t.ruleId)));
        }

        void forgetTrack(String ruleId) {
            keepTracks(t -> !t.ruleId.equals(ruleId));
        }

        private void keepTracks(java.util.function.Predicate<RuleTrack> keep) {
            RuleTrack[] kept = java.util.Arrays.stream(tracks).filter(keep).toArray(RuleTrack[]::new);
            tracks = kept.length == 0 ? null : kept;
        }

        RuleTrack newTrack(String ruleId) {
            RuleTrack t = new RuleTrack();
            t.ruleId = ruleId;
            tracks = tracks == null ? new RuleTrack[] {t} : java.util.Arrays.copyOf(tracks, tracks.length + 1);
            tracks[tracks.length - 1] = t;
            return t;
        }
    }

    /**
     * @param horizon how long a silent series' order is remembered; a sample older than its series' last one arriving
     *                later than this is evaluated rather than refused
     */
    public EvaluateRules(RuleBook rules, Duration horizon) {
        this(rules, horizon, false);
    }

    /**
     * This stage as it was before it filtered: every rule sample is passed on. For tests that hold the filtered
     * pipeline's incidents against the unfiltered one's ({@code PassOnEquivalenceTest}).
     */
    public static EvaluateRules passingEverySample(RuleBook rules, Duration horizon) {
        return new EvaluateRules(rules, horizon, true);
    }

    private EvaluateRules(RuleBook rules, Duration horizon, boolean passEverySample) {
        this.passEverySample = passEverySample;
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("series horizon must be positive, was " + horizon);
        }
        this.rules = rules;
        this.horizonMs = horizon.toMillis();
        this.refreshMs = Math.max(1, horizonMs / REFRESH_STEPS);
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
        boolean fresh = c == null; // a new series, or one silent for the horizon: HeldFor has no live run of it
        if (fresh) {
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
        if (!timerSet) {
            ctx.timerService().registerProcessingTimeTimer(due);
        }
        evaluate(event, c, fresh, now, ctx, out);
        clock.update(c); // after evaluate, which changes the tracks (a backend that serialises on update must see them)
    }

    private void evaluate(SeriesSample event, SeriesClock c, boolean fresh, long now, ReadOnlyContext ctx,
                          Collector<RuleSample> out) throws Exception {
        List<Rule> watching = rules.forMetric(event.metric, () -> ctx.getBroadcastState(RuleBook.STATE));
        if (c.tracks != null && c.tracks.length > watching.size()) {
            c.forgetTracksExcept(watching); // a deleted or changed rule's track would stay as long as the series lives
        }
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
                boolean recovered = rule.recovered(event.value);
                RuleTrack t = c.track(rule.id());
                boolean newToSeries = t == null;
                if (newToSeries) {
                    t = c.newTrack(rule.id());
                }
                if (passOn(t, newToSeries, rule, event.timestamp, holds, recovered, fresh, now)) {
                    // no labels: the key carries them, and the lifecycle reads them back (Labels.ofSeriesKey) only for
                    // the samples that become incidents, instead of every stage (de)serialising a map per sample
                    RuleSample sample = new RuleSample(rule.id(), seriesKey, event.timestamp, event.value, holds,
                            recovered, rule.forDuration().toMillis(), null);
                    sample.restart = newToSeries;
                    out.collect(sample);
                }
            }
        }
    }

    /**
     * Whether this sample, seen through {@code rule}, can change anything after this stage, and so must be passed on:
     * <ul>
     *   <li>the first sample of a track (a new series, a changed rule, state from before tracks), and every sample
     *       while the track is not {@link RuleTrack#synced synced};</li>
     *   <li>every sample of a rule with {@code absent_for} (the lifecycle times silence from each) or
     *       {@code keep_firing_for} (the resolved notice its timer sends carries the latest sample's value; the
     *       countdown itself starts and stops on changes of verdict, which pass anyway);</li>
     *   <li>a sample of another kind than the last (holding, band, recovered): it starts or breaks a run, opens a
     *       {@code for: 0} episode, resolves or keeps one;</li>
     *   <li>a holding sample that starts a run for {@link HeldFor} (after one it let go stale) or completes one
     *       ({@link HeldForPattern#heldLongEnough}), computed as HeldFor computes it; a completed run goes on, matched,
     *       without CEP until a sample that does not hold ({@link HeldFor#MATCHED});</li>
     *   <li>a holding sample when HeldFor last saw one {@code horizon / REFRESH_STEPS} ago (wall clock), so that its
     *       staleness clock does not end a run whose series is still sampled.</li>
     * </ul>
     * The samples left out are the ones in the middle of a run, and a healthy series' samples after its first: neither
     * HeldFor nor the lifecycle does anything with them but look up their state. In
     * {@code benchmarks/alert-throughput.sh} that is most rule samples; in a mostly healthy fleet nearly all.
     */
    private boolean passOn(RuleTrack t, boolean newToSeries, Rule rule, long timestamp, boolean holds,
                           boolean recovered, boolean fresh, long now) {
        int version = rules.version(rule);
        boolean first = newToSeries || t.ruleVersion != version;
        if (first) {
            // a rule new to the series restarts HeldFor's run (RuleSample#restart), so the track knows that run; a
            // changed rule goes on with whatever run HeldFor has, which this track may not have seen start
            t.begin(version, !holds || fresh || newToSeries);
        }
        boolean everySample = rule.absentFor() != null || !rule.keepFiringFor().isZero();
        return t.passOn(first || everySample, rule.forDuration().toMillis(), timestamp, holds, recovered, now, horizonMs,
                refreshMs) || passEverySample;
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
            // forgotten at once, not at each series' next sample: a rule added again under this id must find no track,
            // so that its first sample restarts HeldFor's run (a deleted rule's run there may have breached and go on)
            ctx.applyToKeyedState(CLOCK, (series, state) -> {
                SeriesClock c = state.value();
                if (c != null && c.track(change.id) != null) {
                    c.forgetTrack(change.id);
                    state.update(c);
                }
            });
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

package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The CEP pattern for Prometheus {@code for}: the condition holds on a sample, and on the next one (strict contiguity:
 * one sample that does not hold breaks the run), which is at least {@code for} after the run's first sample.
 *
 * <pre>
 * first(holds) -> last(holds, ts - runStart >= for)
 * </pre>
 *
 * <p>{@code for} and the run's start come with each sample ({@link RuleSample#forMs}, {@link RuleSample#runStart},
 * which {@link HeldFor} keeps per key), so one pattern serves every rule and a run's NFA state is one sample, not the
 * whole run. (The first version reached the run's first sample through CEP's buffer from an iterative condition, which
 * kept every sample of the run and walked back through them on each new one: quadratic, measured in
 * docs/decisions.md.) Rules with {@code for: 0} fire on a single sample and do not go through CEP (a pattern needs two
 * samples to measure time). A run whose series goes silent (wall clock) for the longest {@code for} plus a staleness
 * allowance (as Prometheus treats a series silent for 5 minutes as gone) is ended by {@link HeldFor}.
 *
 * <p>The state "middle" of the first version stays in the pattern, never taken: a partial match restored from a
 * checkpoint of that version names it, and the NFA must find it (a run restored in it ends at its next sample and a new
 * run starts there; no match is lost except the part of a run that was in flight during the upgrade).
 */
public final class HeldForPattern {
    /** How long a series may be silent inside a run before the run is forgotten. */
    public static final Duration STALENESS = Duration.ofMinutes(5);

    private HeldForPattern() {}

    /**
     * No {@code within}: CEP sees only a run's first sample and the one that completes or breaks it, so its window,
     * counted from the first, would drop a run whose series is still sampled; and in processing-time mode it registered
     * one timer per run start (in every 200 ms heap snapshot). {@link HeldFor} ends a run whose series went silent for
     * the longest {@code for} plus {@link #STALENESS}, exactly where the window used to.
     */
    public static Pattern<RuleSample, ?> pattern() {
        return Pattern.<RuleSample>begin("first", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new Holds())
                .next("middle").where(new Never()).oneOrMore().optional().consecutive()
                .next("last").where(new HoldsForLong());
    }

    static final class Holds extends SimpleCondition<RuleSample> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleSample s) {
            return s.holds;
        }
    }

    /** Kept for state written by the first version (see the class comment). */
    static final class Never extends SimpleCondition<RuleSample> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleSample s) {
            return false;
        }
    }

    static final class HoldsForLong extends SimpleCondition<RuleSample> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleSample s) {
            return completes(s);
        }
    }

    /**
     * Whether this sample completes its run: it holds, and comes {@code for} (see {@link #heldLongEnough}) after the
     * run's first sample.
     */
    static boolean completes(RuleSample s) {
        return s.holds && s.runStart != 0 && heldLongEnough(s.timestamp - s.runStart, s.forMs);
    }

    /**
     * Whether a run that has held for {@code heldMs}, measured on its samples' timestamps, satisfies {@code for}.
     * Samples pushed every second are stamped by the sender's clock, a few milliseconds late or early each: five
     * periods measured 4.998 s in the latency harness, and a strict comparison then waited one more period (a whole
     * second) to fire. Prometheus does not see this because it measures {@code for} on its own evaluation ticks,
     * which are exactly periodic. So a run counts as held when it is within 100 ms (at most 2 % of {@code for}) of
     * {@code for}: far below any sampling period, enough for clock jitter.
     */
    public static boolean heldLongEnough(long heldMs, long forMs) {
        return heldMs >= forMs - Math.min(JITTER_ALLOWANCE_MS, forMs / 50);
    }

    /** See {@link #heldLongEnough}. */
    public static final long JITTER_ALLOWANCE_MS = 100;

    /** Emits one {@link AlertSignal#breach} per completed run. */
    public static final class ToBreach extends PatternProcessFunction<RuleSample, AlertSignal> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<RuleSample>> match, Context ctx, Collector<AlertSignal> out) {
            RuleSample last = match.get("last").get(0);
            out.collect(AlertSignal.breach(last.runStart, last));
        }
    }
}

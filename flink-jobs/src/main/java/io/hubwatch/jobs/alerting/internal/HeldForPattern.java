package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The CEP pattern for Prometheus {@code for}: the condition holds on a first sample, on every sample after it (strict
 * contiguity: one sample that does not hold breaks the run), and on a last sample at least {@code for} after the first.
 *
 * <pre>
 * first(holds) -> middle(holds, before for)* -> last(holds, ts - first.ts >= for)
 * </pre>
 *
 * <p>{@code for} comes with each sample ({@link RuleSample#forMs}), so one pattern serves every rule. Rules with
 * {@code for: 0} fire on a single sample and do not go through CEP (a pattern needs two samples to measure time).
 * {@code within} bounds the state of a run that never completes because its series went silent: the longest
 * {@code for} plus a staleness allowance (as Prometheus treats a series silent for 5 minutes as gone).
 */
public final class HeldForPattern {
    /** How long a series may be silent inside a run before the run is forgotten. */
    public static final Duration STALENESS = Duration.ofMinutes(5);

    private HeldForPattern() {}

    public static Pattern<RuleSample, ?> pattern(Duration longestFor) {
        return Pattern.<RuleSample>begin("first", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new Holds())
                .next("middle").where(new HoldsBeforeFor()).oneOrMore().optional().consecutive()
                .next("last").where(new HoldsForLong())
                .within(longestFor.plus(STALENESS));
    }

    static final class Holds extends SimpleCondition<RuleSample> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleSample s) {
            return s.holds;
        }
    }

    /** Holds, and the run is still shorter than {@code for}: the sample that completes it must be "last". */
    static final class HoldsBeforeFor extends IterativeCondition<RuleSample> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleSample s, Context<RuleSample> ctx) throws Exception {
            return s.holds && s.timestamp - firstTimestamp(ctx) < s.forMs;
        }
    }

    static final class HoldsForLong extends IterativeCondition<RuleSample> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleSample s, Context<RuleSample> ctx) throws Exception {
            return s.holds && s.timestamp - firstTimestamp(ctx) >= s.forMs;
        }
    }

    private static long firstTimestamp(IterativeCondition.Context<RuleSample> ctx) throws Exception {
        for (RuleSample first : ctx.getEventsForPattern("first")) {
            return first.timestamp;
        }
        throw new IllegalStateException("a run without a first sample");
    }

    /** Emits one {@link AlertSignal#breach} per completed run. */
    public static final class ToBreach extends PatternProcessFunction<RuleSample, AlertSignal> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<RuleSample>> match, Context ctx, Collector<AlertSignal> out) {
            out.collect(AlertSignal.breach(match.get("first").get(0), match.get("last").get(0)));
        }
    }
}

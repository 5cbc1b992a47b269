package io.hubwatch.jobs.alerting;

import io.hubwatch.events.Incident;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.internal.AlertLifecycle;
import io.hubwatch.jobs.alerting.internal.AlertSignal;
import io.hubwatch.jobs.alerting.internal.EvaluateRules;
import io.hubwatch.jobs.alerting.internal.FlapControl;
import io.hubwatch.jobs.alerting.internal.HeldFor;
import io.hubwatch.jobs.alerting.internal.HeldForPattern;
import io.hubwatch.jobs.alerting.internal.RuleBook;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import io.hubwatch.jobs.alerting.internal.SeriesSample;
import io.hubwatch.jobs.keys.StringKeys;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EvaluateRules} passes on only the rule samples that can change something after it. This holds the rule path
 * (EvaluateRules → HeldFor (CEP) → AlertLifecycle, in test harnesses, as AlertJob wires them) with that filter against
 * the same path passing every sample, on random series: runs of every length, dips, the hysteresis band, silences
 * shorter and longer than the horizon, rules with {@code for: 0}, {@code for}, {@code recovery_threshold},
 * {@code keep_firing_for}, {@code absent_for} and matchers, a rule changed and one deleted and added again mid-stream,
 * and flap control. Both must give the same incidents.
 *
 * <p>Compared: everything but the value (and the summary that quotes it). An incident that flap control held back and
 * later emits carries the value of the last sample the lifecycle saw; with the filter that is the last one passed
 * on (the breach, the recovery, a run's start or completion) rather than the very last sample (docs/decisions.md).
 */
class PassOnEquivalenceTest {
    private static final long T0 = Instant.parse("2026-12-03T00:00:00Z").toEpochMilli();
    private static final Duration MAX_FOR = Duration.ofMinutes(5);
    private static final Duration HORIZON = MAX_FOR.plus(HeldForPattern.STALENESS); // as AlertJob sets it
    private static final String RULES = """
            rules:
              - {id: now, metric: m, op: ">", threshold: 80, for: 0s, severity: warning}
              - {id: half_minute, metric: m, op: ">", threshold: 80, for: 30s, severity: warning}
              - {id: band, metric: m, op: ">", threshold: 80, for: 2m, recovery_threshold: 50, severity: warning}
              - {id: keep, metric: m, op: ">", threshold: 80, for: 1m, keep_firing_for: 40s, severity: warning}
              - {id: absent, metric: m, op: ">", threshold: 90, for: 1m, absent_for: 3m, severity: warning}
              - {id: low, metric: m, op: "<", threshold: 20, for: 5m, severity: warning}
              - {id: only_a, metric: m, op: ">", threshold: 70, for: 20s, severity: critical, matchers: ['host="a"']}
            """;
    private static final String CHANGED = """
            rules:
              - {id: half_minute, metric: m, op: ">", threshold: 60, for: 40s, severity: warning}
            """;

    /** One rule path: the three stages in harnesses, fed by hand in the order AlertJob's exchanges keep per key. */
    private static final class Path implements AutoCloseable {
        final KeyedBroadcastOperatorTestHarness<String, SeriesSample, RuleChange, RuleSample> evaluate;
        final KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertSignal> heldFor;
        final KeyedBroadcastOperatorTestHarness<String, AlertSignal, RuleChange, Incident> lifecycle;
        int samplesTaken;
        int signalsTaken;
        int ruleSamples;

        Path(boolean passEverySample) throws Exception {
            RuleSet rules = RuleFiles.parse(RULES, "test");
            RuleBook book = new RuleBook(rules, MAX_FOR);
            evaluate = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(passEverySample
                            ? EvaluateRules.passingEverySample(book, HORIZON) : new EvaluateRules(book, HORIZON),
                    s -> s.series, StringKeys.TYPE, RuleBook.STATE);
            heldFor = new KeyedOneInputStreamOperatorTestHarness<>(
                    new HeldFor(TypeInformation.of(RuleSample.class).createSerializer(new SerializerConfigImpl()), MAX_FOR),
                    s -> s.key, StringKeys.TYPE);
            heldFor.open();
            lifecycle = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                    new AlertLifecycle(new RuleBook(rules, MAX_FOR), FlapControl.defaults()),
                    (AlertSignal s) -> s.key, StringKeys.TYPE, RuleBook.STATE);
        }

        void clock(long now) throws Exception {
            evaluate.setProcessingTime(now);
            heldFor.setProcessingTime(now);
            lifecycle.setProcessingTime(now);
            flow();
        }

        void sample(MetricEvent e) throws Exception {
            evaluate.processElement(new StreamRecord<>(SeriesSample.of(e), e.timestamp()));
            flow();
        }

        void watermark(long t) throws Exception {
            lifecycle.processWatermark(t);
        }

        void ruleChange(RuleChange change) throws Exception {
            evaluate.processBroadcastElement(new StreamRecord<>(change));
            lifecycle.processBroadcastElement(new StreamRecord<>(change));
        }

        /** Hands what each stage emitted to the next, in order. */
        private void flow() throws Exception {
            List<RuleSample> samples = evaluate.extractOutputValues();
            for (; samplesTaken < samples.size(); samplesTaken++) {
                RuleSample s = samples.get(samplesTaken);
                ruleSamples++;
                heldFor.processElement(new StreamRecord<>(s, s.timestamp));
            }
            List<AlertSignal> signals = heldFor.extractOutputValues();
            for (; signalsTaken < signals.size(); signalsTaken++) {
                AlertSignal s = signals.get(signalsTaken);
                lifecycle.processElement(new StreamRecord<>(s, s.timestamp));
            }
        }

        List<String> incidents() {
            return lifecycle.extractOutputValues().stream()
                    .map(i -> i.ruleId() + " " + i.status() + " " + i.labels() + " " + i.startsAt() + " " + i.endsAt()
                            + " " + i.id())
                    .toList();
        }

        @Override
        public void close() throws Exception {
            evaluate.close();
            heldFor.close();
            lifecycle.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void theFilteredPathGivesTheSameIncidentsAsOnePassingEverySample(long seed) throws Exception {
        try (Path filtered = new Path(false); Path every = new Path(true)) {
            Random random = new Random(seed);
            String[] hosts = {"a", "b", "c"};
            double[] level = {50, 50, 50};
            long[] next = {0, 3_000, 7_000};
            long now = 1_000;
            long lastEvent = 0;
            for (int step = 0; step < 3_000; step++) {
                int h = 0;
                for (int i = 1; i < hosts.length; i++) {
                    if (next[i] < next[h]) {
                        h = i;
                    }
                }
                long t = next[h];
                now += Math.max(0, t - lastEvent); // wall clock follows event time, as for live data
                lastEvent = Math.max(lastEvent, t);
                for (Path p : List.of(filtered, every)) {
                    p.clock(now);
                    p.sample(new MetricEvent(T0 + t, hosts[h], "m", level[h], Map.of()));
                    p.watermark(T0 + lastEvent - 30_000);
                }
                if (step == 1_000) {
                    RuleChange changed = RuleChange.upsert(RuleFiles.parse(CHANGED, "test").rules().get(0));
                    filtered.ruleChange(changed);
                    every.ruleChange(changed);
                } else if (step == 1_500) {
                    filtered.ruleChange(RuleChange.delete("band"));
                    every.ruleChange(RuleChange.delete("band"));
                } else if (step == 1_800) {
                    RuleChange again = RuleChange.upsert(RuleFiles.parse(RULES, "test").rules().get(2));
                    filtered.ruleChange(again);
                    every.ruleChange(again);
                }
                // in the middle of a run when the rule changes: HeldFor's run began under the old version
                level[h] = step >= 990 && step < 1_000 ? 85 : nextLevel(random, level[h]);
                next[h] = t + gap(random);
            }
            for (Path p : List.of(filtered, every)) {
                p.watermark(Long.MAX_VALUE - 1);
            }

            assertThat(every.incidents()).as("the unfiltered path fires (else this compares nothing)").hasSizeGreaterThan(50);
            assertThat(filtered.incidents()).containsExactlyElementsOf(every.incidents());
            assertThat(filtered.ruleSamples).as("rule samples passed on").isLessThan(every.ruleSamples / 2);
        }
    }

    /**
     * A rule changed while HeldFor times a run under its old version: HeldFor goes on timing that run (from its first
     * sample), which the filter did not see start; so until a sample breaks the run, every sample is passed on, and
     * the run completes at the same sample as without the filter.
     */
    @org.junit.jupiter.api.Test
    void aRuleChangedInTheMiddleOfARunFiresAtTheSameSampleAsWithoutTheFilter() throws Exception {
        try (Path filtered = new Path(false); Path every = new Path(true)) {
            RuleChange changed = RuleChange.upsert(RuleFiles.parse(CHANGED, "test").rules().get(0)); // > 60 for 40s
            for (Path p : List.of(filtered, every)) {
                long t = 0;
                for (; t <= 20_000; t += 10_000) {
                    p.clock(1_000 + t);
                    p.sample(new MetricEvent(T0 + t, "b", "m", 85, Map.of()));
                }
                p.ruleChange(changed);
                for (; t <= 90_000; t += 10_000) {
                    p.clock(1_000 + t);
                    p.sample(new MetricEvent(T0 + t, "b", "m", 85, Map.of()));
                }
            }
            assertThat(every.incidents()).filteredOn(i -> i.startsWith("half_minute "))
                    .singleElement().asString().contains(Instant.ofEpochMilli(T0 + 40_000).toString());
            assertThat(filtered.incidents()).containsExactlyElementsOf(every.incidents());
        }
    }

    /**
     * A rule deleted and added again while its series goes on breaching: the delete resolves its incident, and the rule,
     * new to the series again, fires one {@code for} after it came back (as a new rule does in Prometheus), on both
     * paths, the deletion and the return falling between two samples or not. Without {@link RuleSample#restart} the
     * run that breached before the delete would go on, matched, and the returned rule would never fire.
     */
    @org.junit.jupiter.api.Test
    void aRuleDeletedAndAddedAgainWhileItsSeriesBreachesFiresAgainOneForAfterItCameBack() throws Exception {
        RuleChange back = RuleChange.upsert(RuleFiles.parse(RULES, "test").rules().get(2)); // band: > 80 for 2m
        for (boolean betweenTwoSamples : List.of(true, false)) {
            try (Path filtered = new Path(false); Path every = new Path(true)) {
                for (Path p : List.of(filtered, every)) {
                    for (long t = 0; t <= 600_000; t += 10_000) {
                        p.clock(1_000 + t);
                        p.sample(new MetricEvent(T0 + t, "b", "m", 85, Map.of()));
                        p.watermark(T0 + t - 30_000);
                        if (t == 200_000) {
                            p.ruleChange(RuleChange.delete("band"));
                            if (betweenTwoSamples) {
                                p.ruleChange(back);
                            }
                        } else if (t == 250_000 && !betweenTwoSamples) {
                            p.ruleChange(back);
                        }
                    }
                }
                long cameBack = betweenTwoSamples ? 210_000 : 260_000; // its first sample after the return
                assertThat(every.incidents()).filteredOn(i -> i.startsWith("band ")).extracting(i -> i.split(" ")[1]
                                + " " + i.split(" ")[i.split(" ").length - 3])
                        .as(betweenTwoSamples ? "deleted and added between two samples" : "a sample while deleted")
                        .containsExactly("FIRING " + Instant.ofEpochMilli(T0 + 120_000),
                                "RESOLVED " + Instant.ofEpochMilli(T0 + 120_000),
                                "FIRING " + Instant.ofEpochMilli(T0 + cameBack + 120_000)); // startsAt: when it fires
                assertThat(filtered.incidents()).containsExactlyElementsOf(every.incidents());
            }
        }
    }

    /** Long calm and long breaching stretches, single dips and spikes, the hysteresis band, values below 20. */
    private static double nextLevel(Random random, double level) {
        double r = random.nextDouble();
        if (r < 0.03) {
            return 95; // a breach of every high rule
        } else if (r < 0.06) {
            return 50;
        } else if (r < 0.08) {
            return 65; // the band: not above 80, not back under 50
        } else if (r < 0.09) {
            return 10;
        } else if (r < 0.11) {
            return level > 80 ? 40 : 85; // one dip, or one spike
        }
        return level + (random.nextDouble() - 0.5); // stays on its side of every threshold (mostly)
    }

    /**
     * Mostly every 10 s; now and then a silence of minutes, of most of the horizon (a run survives it), or longer than
     * the horizon (then the series is new).
     */
    private static long gap(Random random) {
        double r = random.nextDouble();
        if (r < 0.005) {
            return HORIZON.toMillis() + 60_000;
        } else if (r < 0.01) {
            return HORIZON.toMillis() * 7 / 10 + random.nextInt((int) HORIZON.toMillis() / 8); // inside 7/8 of it
        } else if (r < 0.02) {
            return 180_000 + random.nextInt(60_000);
        }
        return 10_000 + random.nextInt(50) - 25;
    }
}

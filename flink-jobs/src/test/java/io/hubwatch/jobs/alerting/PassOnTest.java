package io.hubwatch.jobs.alerting;

import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.internal.EvaluateRules;
import io.hubwatch.jobs.alerting.internal.HeldForPattern;
import io.hubwatch.jobs.alerting.internal.RuleBook;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import io.hubwatch.jobs.alerting.internal.SeriesSample;
import io.hubwatch.jobs.keys.StringKeys;
import io.hubwatch.rules.RuleFiles;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which rule samples {@link EvaluateRules} passes on to HeldFor and the lifecycle: the ones that can change something
 * there. That the incidents stay the same is {@link PassOnEquivalenceTest}'s part.
 */
class PassOnTest {
    private static final long T0 = Instant.parse("2026-12-03T00:00:00Z").toEpochMilli();
    private static final Duration MAX_FOR = Duration.ofMinutes(5);
    private static final Duration HORIZON = MAX_FOR.plus(HeldForPattern.STALENESS);
    private static final String RULES = """
            rules:
              - {id: hot, metric: m, op: ">", threshold: 80, for: 1m, recovery_threshold: 50, severity: warning}
              - {id: now, metric: n, op: ">", threshold: 80, for: 0s, severity: warning}
              - {id: keep, metric: k, op: ">", threshold: 80, for: 1m, keep_firing_for: 1m, severity: warning}
              - {id: long, metric: l, op: ">", threshold: 80, for: 5m, severity: warning}
              - {id: absent, metric: s, op: ">", threshold: 80, for: 1m, absent_for: 5m, severity: warning}
            """;

    private KeyedBroadcastOperatorTestHarness<String, SeriesSample, RuleChange, RuleSample> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new EvaluateRules(new RuleBook(RuleFiles.parse(RULES, "test"), MAX_FOR), HORIZON),
                s -> s.series, StringKeys.TYPE, RuleBook.STATE);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Samples every 10 s of {@code metric}, the wall clock following; the seconds of the ones passed on. */
    private List<Long> passedOn(String metric, double... values) throws Exception {
        for (int i = 0; i < values.length; i++) {
            sample(metric, i * 10_000L, values[i]);
        }
        return seconds();
    }

    private void sample(String metric, long t, double value) throws Exception {
        harness.setProcessingTime(1_000 + t);
        MetricEvent e = new MetricEvent(T0 + t, "a", metric, value, Map.of());
        harness.processElement(new StreamRecord<>(SeriesSample.of(e), e.timestamp()));
    }

    private List<Long> seconds() {
        return harness.extractOutputValues().stream().map(s -> (s.timestamp - T0) / 1_000).toList();
    }

    @Test
    void aRunPassesOnItsFirstSampleTheOneThatCompletesItAndTheOneThatBreaksIt() throws Exception {
        // 0-20 calm, 30 starts a run of 'for: 1m', 90 completes it (it goes on, breached: HeldFor starts no new run in
        // it), 170 breaks it; 180 starts the next one, 190 breaks that before its 'for'
        assertThat(passedOn("m", 10, 10, 10, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 40, 90, 40))
                .containsExactly(0L, 30L, 90L, 170L, 180L, 190L);
    }

    @Test
    void aHealthySeriesPassesOnItsFirstSampleOnly() throws Exception {
        assertThat(passedOn("m", 10, 11, 12, 13, 12, 11, 10, 12)).containsExactly(0L);
    }

    @Test
    void aMoveIntoOrOutOfTheHysteresisBandIsPassedOnAndTheBandsRepeatsAreNot() throws Exception {
        // 90 holds; 60 is neither holding nor recovered (recovery_threshold 50); 40 has recovered
        assertThat(passedOn("m", 90, 60, 60, 60, 40, 40, 60, 60)).containsExactly(0L, 10L, 40L, 60L);
    }

    @Test
    void aForZeroRulePassesOnOnlyTheChanges() throws Exception {
        assertThat(passedOn("n", 10, 90, 90, 90, 10, 10, 90)).containsExactly(0L, 10L, 40L, 60L);
    }

    @Test
    void everySampleOfARuleWithKeepFiringForOrAbsentForIsPassedOn() throws Exception {
        // keep_firing_for resolves on a timer with the last value; absent_for times the silence from each sample
        assertThat(passedOn("k", 10, 10, 90, 90, 10)).hasSize(5);
        assertThat(passedOn("s", 10, 10, 90, 90, 10)).hasSize(10);
    }

    @Test
    void aLongRunPassesOnAHoldingSampleEveryEighthOfTheHorizonSoThatHeldForDoesNotTakeItForSilent() throws Exception {
        // 'for: 5m' on samples every 10 s: the run's first and completing samples are 5 minutes apart; HeldFor ends a
        // run it has not seen a holding sample of for the horizon (10 min), which a silence inside 7/8 of it must not do
        for (long t = 0; t < 30 * 60_000; t += 10_000) {
            sample("l", t, 90);
        }
        List<Long> passed = seconds();
        long refreshSeconds = HORIZON.toSeconds() / 8;
        for (int i = 1; i < passed.size(); i++) {
            assertThat(passed.get(i) - passed.get(i - 1)).isLessThanOrEqualTo(refreshSeconds + 10);
        }
        // 0 starts the run, 300 completes it; after that only the refreshes, none of them a run's first sample
        assertThat(passed).startsWith(0L).contains(300L).doesNotContain(310L).hasSizeLessThan(180 / 4);
    }

    @Test
    void aDeletedRulesTrackIsForgottenAndItsReturnStartsAFreshTrack() throws Exception {
        passedOn("m", 10, 10);
        harness.processBroadcastElement(new StreamRecord<>(RuleChange.delete("hot")));
        sample("m", 20_000, 10);
        harness.processBroadcastElement(new StreamRecord<>(RuleChange.upsert(RuleFiles.parse(RULES, "test").rules().get(0))));
        sample("m", 30_000, 10);
        sample("m", 40_000, 10);
        assertThat(seconds()).containsExactly(0L, 30L);
    }
}

package io.hubwatch.jobs.alerting;

import io.hubwatch.jobs.keys.StringKeys;
import io.hubwatch.jobs.alerting.internal.AlertSignal;
import io.hubwatch.jobs.alerting.internal.HeldFor;
import io.hubwatch.jobs.alerting.internal.HeldForPattern;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CEP stage alone: {@code for} is matched on each (rule, series)'s own samples as they arrive (no watermark is ever
 * sent here), each breach comes right before the sample that completed it, and a key keeps no state once its run ends.
 */
class HeldForTest {
    private static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
    private static final Duration MAX_FOR = Duration.ofHours(1);

    private KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertSignal> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new HeldFor(TypeInformation.of(RuleSample.class).createSerializer(new SerializerConfigImpl()), MAX_FOR),
                s -> s.key, StringKeys.TYPE); // as AlertJob keys it
        harness.setProcessingTime(1_000);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void sample(String host, long t, double value, long forMs) throws Exception {
        RuleSample s = new RuleSample("hot", "cpu{host=\"" + host + "\"}", T0 + t, value, value > 80, forMs,
                Map.of("host", host));
        harness.processElement(new StreamRecord<>(s, s.timestamp));
    }

    /** A sample marked as the first its rule sees of the series ({@link RuleSample#restart}). */
    private void firstOfRule(String host, long t, double value, long forMs) throws Exception {
        RuleSample s = new RuleSample("hot", "cpu{host=\"" + host + "\"}", T0 + t, value, value > 80, forMs, null);
        s.restart = true;
        harness.processElement(new StreamRecord<>(s, s.timestamp));
    }

    private List<String> signals() {
        return harness.extractOutputValues().stream()
                .map(s -> s.type + "@" + (s.timestamp - T0) + (s.type == AlertSignal.Type.BREACH ? "" : s.holds ? "+" : "-"))
                .toList();
    }

    @Test
    void theSampleThatCompletesForBreachesAtOnceAndComesRightAfterItsBreach() throws Exception {
        for (long t = 0; t <= 60_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
        }
        assertThat(signals()).containsExactly("SAMPLE@0+", "SAMPLE@10000+", "SAMPLE@20000+", "SAMPLE@30000+",
                "SAMPLE@40000+", "SAMPLE@50000+", "BREACH@60000", "SAMPLE@60000+");
        assertThat(harness.extractOutputValues().get(6).activeAt).isEqualTo(T0);
    }

    @Test
    void aRunSampledEverySecondWithAFewMillisecondsOfClockJitterFiresAtItsFifthPeriod() throws Exception {
        // the sender's clock stamps the first sample 3 ms late and the sixth 1 ms late: 4.998 s measured for 5 periods
        long[] stamps = {3, 1_000, 2_002, 3_001, 4_000, 5_001, 6_000};
        for (long t : stamps) {
            sample("web-1", t, 90, 5_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).first().isEqualTo("BREACH@5001");
    }

    @Test
    void aRunShortOfForByMoreThanClockJitterDoesNotFire() throws Exception {
        sample("web-1", 0, 90, 5_000);
        sample("web-1", 4_850, 90, 5_000);
        sample("web-1", 4_899, 90, 5_000);
        assertThat(signals()).noneMatch(s -> s.startsWith("BREACH"));
        sample("web-1", 4_900, 90, 5_000);
        assertThat(signals()).contains("BREACH@4900");
    }

    @Test
    void oneSampleThatDoesNotHoldResetsTheRun() throws Exception {
        for (long t = 0; t <= 100_000; t += 10_000) {
            sample("web-1", t, t == 30_000 ? 70 : 90, 60_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@100000");
    }

    @Test
    void aSilentSeriesDoesNotDelayAnother() throws Exception {
        sample("quiet", 0, 90, 20_000);             // a run starts, then the series goes silent
        for (long t = 0; t <= 20_000; t += 10_000) {
            sample("live", t, 90, 20_000);
        }
        assertThat(signals()).contains("BREACH@20000");
    }

    @Test
    void forZeroSkipsTheNfaAndKeepsNoState() throws Exception {
        sample("web-1", 0, 90, 0);
        assertThat(signals()).containsExactly("SAMPLE@0+");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aSampleThatDoesNotHoldLeavesNoState() throws Exception {
        sample("web-1", 0, 90, 60_000);
        sample("web-1", 10_000, 90, 60_000);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        sample("web-1", 20_000, 50, 60_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aHundredThousandShortLivedSeriesLeaveNoStateAfterTheirHorizon() throws Exception {
        for (int i = 0; i < 100_000; i++) {
            sample("h" + i, 0, 90, 60_000);          // each series starts a run and is never seen again
        }
        int before = harness.numKeyedStateEntries();
        long horizon = MAX_FOR.plus(HeldForPattern.STALENESS).toMillis();
        harness.setProcessingTime(1_000 + horizon / 2);
        assertThat(harness.numKeyedStateEntries()).as("inside the horizon").isEqualTo(before);
        harness.setProcessingTime(1_000 + horizon + horizon / 4 + 1);

        assertThat(before).as("state before the horizon").isGreaterThanOrEqualTo(100_000);
        assertThat(harness.numKeyedStateEntries()).as("state after the horizon").isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aRunThatGoesOnPastTheHorizonIsKept() throws Exception {
        long horizon = MAX_FOR.plus(HeldForPattern.STALENESS).toMillis();
        long step = horizon / 8;
        for (int i = 0; i <= 16; i++) {
            harness.setProcessingTime(1_000 + i * step);
            sample("web-1", i * 10_000L, 90, 3_600_000_000L); // a 'for' no run reaches: the run stays open
        }
        assertThat(harness.numKeyedStateEntries()).isPositive();
        sample("web-1", 17 * 10_000L, 50, 3_600_000_000L);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /**
     * Once a run has breached, CEP has nothing more to find in it: the run goes on, without CEP, until a sample that does
     * not hold; then the next run is timed from its own first sample.
     */
    @Test
    void aRunGoingOnPastItsBreachBreachesNoMoreAndCepSeesNothingOfItUntilItBreaks() throws Exception {
        for (long t = 0; t <= 300_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@60000");
        assertThat(heldFor().cepEvents()).as("the run's first and completing samples of 31").isEqualTo(2);
        assertThat(signals()).as("every sample still goes on to the lifecycle").hasSize(31 + 1);

        sample("web-1", 310_000, 50, 60_000);         // breaks it: CEP holds nothing of a matched run
        assertThat(heldFor().cepEvents()).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        for (long t = 320_000; t <= 380_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@60000", "BREACH@380000");
        assertThat(harness.extractOutputValues().stream().filter(s -> s.type == AlertSignal.Type.BREACH)
                .map(s -> s.activeAt - T0)).containsExactly(0L, 320_000L);
    }

    /**
     * A rule new to the series (added, or deleted and added again while the series breaches): its first sample starts
     * the run afresh, matched or not, and it breaches {@code for} later, as a new rule fires in Prometheus.
     */
    @Test
    void aRuleNewToTheSeriesStartsItsRunAfreshAtItsFirstSample() throws Exception {
        for (long t = 0; t <= 100_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);           // breached at 60 s, goes on
        }
        firstOfRule("web-1", 110_000, 90, 60_000);    // the rule is new to the series again
        for (long t = 120_000; t <= 170_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@60000", "BREACH@170000");
        assertThat(harness.extractOutputValues().stream().filter(s -> s.type == AlertSignal.Type.BREACH)
                .map(s -> s.activeAt - T0)).containsExactly(0L, 110_000L);
    }

    /**
     * A restart in the middle of a run that has not breached yet: CEP lets the old run's first sample go from its buffer
     * (else it would stay in state for good), and the key keeps nothing once the new run breaks.
     */
    @Test
    void aRestartInTheMiddleOfAPendingRunLeavesNothingOfItInCep() throws Exception {
        sample("web-1", 0, 90, 60_000);
        sample("web-1", 10_000, 90, 60_000);          // pending: CEP holds the run's first sample
        firstOfRule("web-1", 20_000, 90, 60_000);    // the rule is new to the series again
        sample("web-1", 30_000, 50, 60_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        for (long t = 40_000; t <= 100_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@100000");
    }

    /** The samples in the middle of a run can neither start, complete nor break it: CEP's NFA does not see them. */
    @Test
    void cepSeesOnlyTheRunsFirstSampleTheOneThatCompletesItAndTheBreak() throws Exception {
        for (long t = 0; t <= 60_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
        }
        assertThat(heldFor().cepEvents()).as("first and completing sample of a 7-sample run").isEqualTo(2);
        sample("web-1", 70_000, 50, 60_000);           // ends it
        for (long t = 80_000; t <= 110_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);           // the next run: starts at 80 s
        }
        sample("web-1", 120_000, 50, 60_000);          // breaks it before its 'for'
        assertThat(heldFor().cepEvents()).as("+ the next run's first sample and the break").isEqualTo(4);
        sample("web-1", 130_000, 50, 60_000);          // no run open: bypasses CEP as before
        assertThat(heldFor().cepEvents()).isEqualTo(4);
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@60000");
        assertThat(signals()).hasSize(14 + 1);        // every sample still goes on to the lifecycle, and the breach
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /**
     * A 1 h run whose completing sample is processed 8 minutes later (wall clock) than its event time says, e.g. while
     * the job catches up: CEP saw only its first sample, 68 minutes before, and must not have dropped the run (its
     * window, when the pattern had one, counted from the first sample it saw).
     */
    @Test
    void aLongRunProcessedSlowerThanItsEventTimeStillBreaches() throws Exception {
        long forMs = MAX_FOR.toMillis();
        long lag = Duration.ofMinutes(8).toMillis();
        for (long t = 0; t <= forMs; t += 10_000) {
            harness.setProcessingTime(1_000 + t + lag * t / forMs);
            sample("web-1", t, 90, forMs);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@" + forMs);
        assertThat(heldFor().cepEvents()).as("the first and the completing sample of 361").isEqualTo(2);
    }

    /** No window, no CEP timers: what is left per key in a run is this operator's one expiry timer. */
    @Test
    void aRunKeepsOneTimer() throws Exception {
        for (long t = 0; t <= 50_000; t += 10_000) {
            harness.setProcessingTime(1_000 + t);
            sample("web-1", t, 90, 60_000);
        }
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    /** The horizon is exact, as CEP's window was when it saw every sample: silent for just under it, the run goes on. */
    @Test
    void aRunSilentForTheHorizonEndsAndOneSilentForLessGoesOn() throws Exception {
        long horizon = MAX_FOR.plus(HeldForPattern.STALENESS).toMillis();
        sample("web-1", 0, 90, 60_000);
        sample("web-2", 0, 90, 60_000);
        harness.setProcessingTime(1_000 + horizon - 1);
        sample("web-1", 60_000, 90, 60_000);
        harness.setProcessingTime(1_000 + horizon);
        sample("web-2", 60_000, 90, 60_000);
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@60000");
        assertThat(harness.extractOutputValues().stream().filter(s -> s.type == AlertSignal.Type.BREACH)
                .map(s -> s.key)).containsExactly("hot|cpu{host=\"web-1\"}");
    }

    private HeldFor heldFor() {
        return (HeldFor) harness.getOperator();
    }

    @Test
    void aLongRunKeepsAsMuchStateAsAShortOne() throws Exception {
        sample("web-1", 0, 90, 3_600_000);
        sample("web-1", 10_000, 90, 3_600_000);
        long afterTwo = stateBytes();
        for (long t = 20_000; t <= 300_000; t += 10_000) {
            sample("web-1", t, 90, 3_600_000);
        }
        assertThat(stateBytes()).as("state after 31 samples vs after 2").isLessThanOrEqualTo(afterTwo + 64);
    }

    private long stateBytes() throws Exception {
        return harness.snapshot(1, 2_000).getManagedKeyedState().stream().mapToLong(h -> h.getStateSize()).sum();
    }

    /**
     * State written by the first version of the pattern (first -> middle* -> last, run kept in CEP's buffer) at Flink
     * 2.2, commit 9efe0c8: web-1 30 s into a 60 s run, web-2 at its run's first sample. Restoring must not fail; the
     * runs in flight start over at their next sample, and then breach as usual.
     */
    @Test
    void restoresStateOfTheFirstPatternVersion() throws Exception {
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new HeldFor(TypeInformation.of(RuleSample.class).createSerializer(new SerializerConfigImpl()), MAX_FOR),
                s -> s.key, StringKeys.TYPE); // as AlertJob keys it
        harness.setup();
        harness.initializeState(OperatorSnapshotUtil.getResourceFilename("savepoints/held-for-flink2.2-9efe0c8.snapshot"));
        harness.setProcessingTime(3_000);
        harness.open();
        for (long t = 40_000; t <= 100_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
            sample("web-2", t - 30_000, 90, 60_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@100000", "BREACH@70000");
    }

    /**
     * State written by the version before this one (pattern with {@code within}, every holding sample through the NFA,
     * one CEP timer per sample; commit a8f8d48): web-1 30 s into a 60 s run, web-2 at its run's first sample. The runs
     * go on where they were (the run's start was kept by HeldFor already); the old CEP timers fire into nothing; the
     * state goes after the horizon.
     */
    @Test
    void restoresStateOfThePreviousVersionAndItsRunsGoOn() throws Exception {
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new HeldFor(TypeInformation.of(RuleSample.class).createSerializer(new SerializerConfigImpl()), MAX_FOR),
                s -> s.key, StringKeys.TYPE); // as AlertJob keys it
        harness.setup();
        harness.initializeState(OperatorSnapshotUtil.getResourceFilename("savepoints/held-for-flink2.2-a8f8d48.snapshot"));
        harness.setProcessingTime(41_000);
        harness.open();
        assertThat(harness.numProcessingTimeTimers()).as("the old CEP timers came along").isGreaterThan(2);
        for (long t = 40_000; t <= 70_000; t += 10_000) {
            sample("web-1", t, 90, 60_000);
            sample("web-2", t - 20_000, 90, 60_000);
        }
        assertThat(signals()).filteredOn(s -> s.startsWith("BREACH")).containsExactly("BREACH@60000");
        sample("web-2", 60_000, 90, 60_000);
        sample("web-2", 70_000, 90, 60_000);
        assertThat(harness.extractOutputValues().stream().filter(s -> s.type == AlertSignal.Type.BREACH)
                .map(s -> s.key.substring(s.key.indexOf('"') + 1, s.key.lastIndexOf('"')) + "@" + (s.timestamp - T0)
                        + " from " + (s.activeAt - T0)))
                .containsExactly("web-1@60000 from 0", "web-2@70000 from 10000");
        long horizon = MAX_FOR.plus(HeldForPattern.STALENESS).toMillis();
        harness.setProcessingTime(41_000 + 2 * horizon);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }
}

package io.hubwatch.jobs.alerting;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.internal.EvaluateRules;
import io.hubwatch.jobs.alerting.internal.SeriesSample;
import io.hubwatch.jobs.alerting.internal.RuleBook;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import io.hubwatch.jobs.kafka.SplitRefused;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The first keyed stage: samples are judged in their series' order, with no watermark involved. */
class SeriesOrderTest {
    private static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
    private static final Duration HORIZON = Duration.ofMinutes(65);

    private KeyedBroadcastOperatorTestHarness<String, SeriesSample, RuleChange, RuleSample> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new EvaluateRules(new RuleBook(RuleSet.defaults(), Duration.ofHours(1)), HORIZON),
                s -> s.series, io.hubwatch.jobs.keys.StringKeys.TYPE, RuleBook.STATE);
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void cpu(String host, long t, double value) throws Exception {
        harness.processElement(new StreamRecord<>(SeriesSample.of(MetricEvent.of(T0 + t, host, "cpu_usage", value)), T0 + t));
    }

    private List<DeadLetter> deadLetters() {
        var letters = harness.getSideOutput(SplitRefused.DEAD_LETTERS);
        return letters == null ? List.of() : letters.stream().map(StreamRecord::getValue).filter(Objects::nonNull).toList();
    }

    @Test
    void aSampleNotAfterItsSeriesLastOneGoesToDeadLetterWithTheReason() throws Exception {
        cpu("web-1", 10_000, 90);
        cpu("web-1", 5_000, 90);
        cpu("web-1", 10_000, 90);

        assertThat(deadLetters()).hasSize(2).allSatisfy(l -> {
            assertThat(l.stage()).isEqualTo("alert-job/order");
            assertThat(l.reason()).startsWith("out-of-order event: event time").contains("cpu_usage{host=\"web-1\"}");
        });
        assertThat(harness.extractOutputValues()).extracting(s -> s.timestamp - T0).containsOnly(10_000L);
    }

    @Test
    void theDeadLetterCarriesTheRefusedSampleAsAMetricEvent() throws Exception {
        harness.processElement(new StreamRecord<>(SeriesSample.of(new MetricEvent(T0 + 10_000, "web-1", "cpu_usage", 90,
                java.util.Map.of("core", "all", "note", "a \"quoted\", {braced} value"))), T0 + 10_000));
        harness.processElement(new StreamRecord<>(SeriesSample.of(new MetricEvent(T0 + 5_000, "web-1", "cpu_usage", 91,
                java.util.Map.of("core", "all", "note", "a \"quoted\", {braced} value"))), T0 + 5_000));

        MetricEvent refused = io.hubwatch.events.EventJson.parseMetric(
                deadLetters().get(0).payload().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(refused).isEqualTo(new MetricEvent(T0 + 5_000, "web-1", "cpu_usage", 91,
                java.util.Map.of("core", "all", "note", "a \"quoted\", {braced} value")));
    }

    @Test
    void samplesOfDifferentSeriesInAnyOrderAreAllEvaluated() throws Exception {
        // each sample changes both cpu rules' verdict for its series, so each is passed on (see PassOnTest)
        cpu("web-1", 50_000, 99);
        cpu("web-2", 10_000, 99);        // far behind web-1: another series, so not late
        cpu("web-3", 30_000, 99);
        cpu("web-2", 20_000, 50);

        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).extracting(s -> host(s))
                .containsOnly("web-1", "web-2", "web-3").hasSize(4 * 2); // two default rules watch cpu_usage
    }

    @Test
    void aSampleFiftyMinutesAheadMovesOnlyItsOwnSeries() throws Exception {
        cpu("web-1", 0, 99);
        cpu("forged", 50 * 60_000, 99);
        cpu("web-1", 1_000, 50); // a change for both cpu rules: passed on (see PassOnTest)
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).filteredOn(s -> host(s).equals("web-1")).hasSize(2 * 2);
    }

    /** The samples carry no labels (the key names them: see AlertLifecycle). */
    private static String host(io.hubwatch.jobs.alerting.internal.RuleSample s) {
        assertThat(s.labels).isNull();
        return io.hubwatch.events.Labels.ofSeriesKey(s.key.substring(s.key.indexOf('|') + 1)).get("host");
    }

    @Test
    void aHundredThousandShortLivedSeriesLeaveNoStateAfterTheirHorizon() throws Exception {
        for (int i = 0; i < 100_000; i++) {
            cpu("h" + i, 0, 10);
        }
        int before = HarnessState.keyedEntries(harness);
        harness.setProcessingTime(1_000 + HORIZON.toMillis() / 2);
        assertThat(HarnessState.keyedEntries(harness)).as("inside the horizon").isEqualTo(before);
        harness.setProcessingTime(1_000 + HORIZON.toMillis() + HORIZON.toMillis() / 4 + 1);

        assertThat(before).as("state before the horizon").isEqualTo(100_000);
        assertThat(HarnessState.keyedEntries(harness)).as("state after the horizon").isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aSeriesSampledEverySecondKeepsAtMostAHandfulOfTimers() throws Exception {
        for (int i = 0; i < 3_600; i++) {
            harness.setProcessingTime(1_000 + i * 1_000L);
            cpu("web-1", i * 1_000L, 10);
        }
        assertThat(harness.numProcessingTimeTimers()).isLessThanOrEqualTo(5);
        assertThat(HarnessState.keyedEntries(harness)).isEqualTo(1);
    }

    /**
     * State written by the version before rule samples were filtered (08807dd: each series' last time, no tracks)
     * restores: order is still checked against it, and each rule's first sample after the restore is passed on as the
     * rule's first of the series ({@link RuleSample#restart}): HeldFor times a run in flight again from there (an
     * alert pending at the upgrade fires up to one {@code for} later; a firing one stays firing), so the new tracks
     * know HeldFor's runs from the start.
     */
    @Test
    void restoresStateOfTheVersionBeforeTracksAndRestartsTheRunsInFlight() throws Exception {
        long t0 = restoreAndFeed("08807dd", "web-1@20:90", "web-1@30:90", "web-2@30:10", "web-1@40:90", "web-1@50:50",
                "web-1@60:50", "web-2@40:10");
        assertThat(deadLetters()).singleElement().satisfies(l -> assertThat(l.reason()).contains("web-1"));
        assertThat(harness.extractOutputValues()).extracting(s -> host(s) + "@" + (s.timestamp - t0) / 1_000 + " " + s.ruleId)
                .containsExactly(
                        "web-1@30 high_cpu_usage", "web-1@30 critical_cpu_usage", // unknown after the restore
                        "web-2@30 high_cpu_usage", "web-2@30 critical_cpu_usage",
                        "web-1@50 high_cpu_usage"); // breaks the run that restarted at 30 s
        assertThat(harness.extractOutputValues()).extracting(s -> s.restart)
                .containsExactly(true, true, true, true, false);
    }

    /**
     * State written by 79492fb (the series' clock with its rule tracks, Flink's POJO serializer): web-1 20 s into a run
     * of {@code high_cpu_usage} (for 5m), web-2 calm. The tracks come back as they were, so web-1's run goes on (its
     * middle samples are not passed on, the completing one is, not marked as a restart) and web-2's calm samples stay
     * here. A change to this state's fields or serializer must keep this passing.
     */
    @Test
    void restoresStateWithTracksAndTheRunsInFlightGoOn() throws Exception {
        long t0 = restoreAndFeed("79492fb", "web-1@20:90", "web-1@30:90", "web-2@30:10", "web-1@290:90", "web-1@300:90",
                "web-2@300:10");
        assertThat(deadLetters()).singleElement().satisfies(l -> assertThat(l.reason()).contains("web-1"));
        assertThat(harness.extractOutputValues()).extracting(s -> host(s) + "@" + (s.timestamp - t0) / 1_000 + " " + s.ruleId
                        + (s.restart ? " restart" : ""))
                .containsExactly("web-1@300 high_cpu_usage"); // completes the run that began at 0 s, before the restore
    }

    /**
     * Opens the stage again from {@code savepoints/evaluate-rules-flink2.2-<commit>.snapshot} (its samples at 0, 10 and
     * 20 s of 2026-12-03) and feeds {@code host@seconds:value} cpu_usage samples; returns the snapshot's time origin.
     */
    private long restoreAndFeed(String commit, String... samples) throws Exception {
        harness.close(); // opened fresh by open(): start again from the old snapshot
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                        new EvaluateRules(new RuleBook(RuleSet.defaults(), Duration.ofHours(1)), HORIZON),
                        List.of(RuleBook.STATE)),
                s -> s.series, io.hubwatch.jobs.keys.StringKeys.TYPE, 1, 1, 0);
        harness.setup();
        harness.initializeState(org.apache.flink.streaming.util.OperatorSnapshotUtil.getResourceFilename(
                "savepoints/evaluate-rules-flink2.2-" + commit + ".snapshot"));
        harness.open();
        harness.setProcessingTime(31_000);
        long t0 = Instant.parse("2026-12-03T00:00:00Z").toEpochMilli();
        for (String sample : samples) {
            String[] p = sample.split("[@:]");
            long t = t0 + Long.parseLong(p[1]) * 1_000;
            harness.processElement(new StreamRecord<>(SeriesSample.of(MetricEvent.of(t, p[0], "cpu_usage",
                    Double.parseDouble(p[2]))), t));
        }
        return t0;
    }
}

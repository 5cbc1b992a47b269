package io.hubwatch.jobs.alerting;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.jobs.alerting.internal.AlertLifecycle;
import io.hubwatch.jobs.alerting.internal.AlertSignal;
import io.hubwatch.jobs.alerting.internal.FlapControl;
import io.hubwatch.jobs.alerting.internal.RuleBook;
import io.hubwatch.jobs.alerting.internal.RuleSample;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle stage alone. Signals come in order per (rule, series) from the CEP stage, so they are handled as they
 * arrive; the test's watermarks drive only the timers.
 */
class AlertLifecycleTest {
    private static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
    private static final String SERIES = "cpu_usage{host=\"web-1\"}";

    private KeyedBroadcastOperatorTestHarness<String, AlertSignal, RuleChange, Incident> harness;

    @BeforeEach
    void open() throws Exception {
        harness = lifecycle();
    }

    private static KeyedBroadcastOperatorTestHarness<String, AlertSignal, RuleChange, Incident> lifecycle() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new AlertLifecycle(new RuleBook(RuleSet.defaults(), java.time.Duration.ofHours(1)), FlapControl.defaults()),
                (AlertSignal s) -> s.key, io.hubwatch.jobs.keys.StringKeys.TYPE, RuleBook.STATE);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static RuleSample sample(long t, double value) {
        return new RuleSample("high_cpu_usage", SERIES, T0 + t, value, value > 80, 300_000, Map.of("host", "web-1"));
    }

    private void breach(long first, long last) throws Exception {
        AlertSignal s = AlertSignal.breach(sample(first, 90).timestamp, sample(last, 91));
        harness.processElement(new StreamRecord<>(s, s.timestamp));
    }

    private void clear(long t) throws Exception {
        AlertSignal s = AlertSignal.clear(sample(t, 50));
        harness.processElement(new StreamRecord<>(s, s.timestamp));
    }

    private List<Incident> incidents() {
        return harness.extractOutputValues();
    }

    /**
     * EvaluateRules ships no labels with the samples (the key names them): the incidents read them back from the key,
     * and the episode kept while firing holds no labels map.
     */
    @Test
    void signalsWithoutLabelsGiveIncidentsTheSeriesLabelsFromTheKey() throws Exception {
        String series = "disk_usage{host=\"db-\\\"1\",mount=\"/var,x\"}";
        RuleSample first = new RuleSample("disk_space_low", series, T0, 95, true, 300_000, null);
        RuleSample last = new RuleSample("disk_space_low", series, T0 + 300_000, 96, true, 300_000, null);
        AlertSignal b = AlertSignal.breach(first.timestamp, last);
        harness.processElement(new StreamRecord<>(b, b.timestamp));
        AlertSignal c = AlertSignal.clear(new RuleSample("disk_space_low", series, T0 + 310_000, 50, false, 300_000, null));
        harness.processElement(new StreamRecord<>(c, c.timestamp));
        assertThat(incidents()).hasSize(2).allSatisfy(i -> assertThat(i.labels())
                .containsEntry("alertname", "disk_space_low").containsEntry("host", "db-\"1")
                .containsEntry("mount", "/var,x"));
        assertThat(incidents().get(0).fingerprint()).isEqualTo(incidents().get(1).fingerprint());
    }

    @Test
    void aBreachFiresAtOnceWithoutWaitingForTheWatermark() throws Exception {
        breach(0, 300_000);
        assertThat(incidents()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(IncidentStatus.FIRING);
            assertThat(i.startsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 300_000));
            assertThat(i.annotations()).containsEntry("active_at", Instant.ofEpochMilli(T0).toString());
            assertThat(i.labels()).containsEntry("alertname", "high_cpu_usage").containsEntry("host", "web-1");
        });
    }

    @Test
    void furtherBreachesOfAnOpenEpisodeAreDropped() throws Exception {
        breach(0, 300_000);
        breach(310_000, 610_000);
        harness.watermark(T0 + 700_000);
        assertThat(incidents()).hasSize(1);
    }

    @Test
    void aClearSampleResolvesAndLeavesNoStateOrTimers() throws Exception {
        breach(0, 300_000);
        clear(310_000);
        harness.watermark(T0 + 310_000);
        assertThat(incidents()).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
        Incident resolved = incidents().get(1);
        assertThat(resolved.endsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 310_000));
        assertThat(resolved.startsAt()).isEqualTo(incidents().get(0).startsAt());
        assertThat(resolved.fingerprint()).isEqualTo(incidents().get(0).fingerprint());
        assertThat(resolved.id()).isNotEqualTo(incidents().get(0).id());
        assertThat(HarnessState.keyedEntries(harness)).as("only the flap history is kept").isEqualTo(1);
        harness.watermark(T0 + 310_000 + 600_000);
        assertThat(HarnessState.keyedEntries(harness)).as("flap history gone a window later").isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aClearSampleResolvesAtOnce() throws Exception {
        breach(0, 300_000);
        clear(310_000);
        assertThat(incidents()).as("no watermark yet").extracting(Incident::status)
                .containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
    }

    @Test
    void aSeriesSilentForAbsentForRaisesNoDataAndItsReturnResolvesIt() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new AlertLifecycle(new RuleBook(io.hubwatch.rules.RuleFiles.parse("rules: [{id: watch, metric: cpu_usage, "
                        + "op: '>', threshold: 80, for: 1m, severity: warning, absent_for: 2m}]", "test"),
                        java.time.Duration.ofHours(1)), FlapControl.defaults()),
                (AlertSignal s) -> s.key, io.hubwatch.jobs.keys.StringKeys.TYPE, RuleBook.STATE)) {
            AlertSignal last = AlertSignal.sample(new RuleSample("watch", SERIES, T0 + 50_000, 10, false, 60_000, Map.of("host", "web-1")));
            h.processElement(new StreamRecord<>(last, last.timestamp));
            h.watermark(T0 + 169_999);
            assertThat(h.extractOutputValues()).isEmpty();
            h.watermark(T0 + 170_000);
            AlertSignal back = AlertSignal.sample(new RuleSample("watch", SERIES, T0 + 300_000, 10, false, 60_000, Map.of("host", "web-1")));
            h.processElement(new StreamRecord<>(back, back.timestamp));

            assertThat(h.extractOutputValues()).allSatisfy(i -> assertThat(i.labels()).containsEntry("alertstate", "nodata"))
                    .extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
            assertThat(h.extractOutputValues().get(0).startsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 170_000));
            assertThat(h.extractOutputValues().get(1).endsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 300_000));
        }
    }

    @Test
    void aClearSampleWithoutAnEpisodeEmitsNothingAndKeepsNothing() throws Exception {
        clear(10_000);
        harness.watermark(T0 + 10_000);
        assertThat(incidents()).isEmpty();
        assertThat(HarnessState.keyedEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void theSameEpisodeGivesTheSameIdsOnReplay() throws Exception {
        breach(0, 300_000);
        clear(310_000);
        harness.watermark(T0 + 400_000);
        List<String> first = incidents().stream().map(Incident::id).toList();

        try (var replay = lifecycle()) {
            AlertSignal b = AlertSignal.breach(sample(0, 90).timestamp, sample(300_000, 91));
            AlertSignal c = AlertSignal.clear(sample(310_000, 50));
            replay.processElement(new StreamRecord<>(b, b.timestamp));
            replay.processElement(new StreamRecord<>(c, c.timestamp));
            replay.watermark(T0 + 400_000);
            assertThat(replay.extractOutputValues()).extracting(Incident::id).isEqualTo(first);
        }
    }
}

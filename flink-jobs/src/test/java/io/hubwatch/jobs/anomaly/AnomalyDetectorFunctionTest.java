package io.hubwatch.jobs.anomaly;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Labels;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Severity;
import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.rules.anomaly.AnomalySettings;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AnomalyDetectorFunctionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long STEP = 60_000;
    private static final int SPIKE = 1300;

    private static AnomalyDetectorFunction function(List<AnomalySettings> settings) {
        return new AnomalyDetectorFunction(settings, DetectorConfig.defaults(), Long.MIN_VALUE, Duration.ofMinutes(30),
                Duration.ofDays(7));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, Incident> harness(
            AnomalyDetectorFunction f) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, Incident> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(f, MetricEvent::seriesKey, Types.STRING);
        h.open();
        return h;
    }

    private static double value(int i, Random r) {
        return 50 + 10 * Math.sin(2 * Math.PI * i / 96) + r.nextGaussian() + (i == SPIKE ? 40 : 0);
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, Incident> h, int from, int to,
                             Random r) throws Exception {
        for (int i = from; i < to; i++) {
            long t = T0 + i * STEP;
            h.processElement(new StreamRecord<>(new MetricEvent(t, "gpu-1", "gpu_util", value(i, r), Map.of("card", "0")), t));
        }
    }

    @Test
    void aSpikeInALiveSeriesRaisesOneAnomalyIncidentThatLaterResolves() throws Exception {
        var h = harness(function(List.of()));
        feed(h, 0, 1600, new Random(1));
        List<Incident> out = h.extractOutputValues();
        List<Incident> firing = out.stream().filter(i -> i.status() == IncidentStatus.FIRING).toList();
        assertThat(firing).hasSize(1);
        Incident f = firing.get(0);
        assertThat(f.kind()).isEqualTo(IncidentKind.ANOMALY);
        assertThat(f.startsAt().toEpochMilli()).isBetween(T0 + SPIKE * STEP, T0 + (SPIKE + 5) * STEP);
        assertThat(f.ruleId()).isEqualTo("anomaly:gpu_util");
        assertThat(f.labels()).containsEntry("alertname", "anomaly:gpu_util").containsEntry("host", "gpu-1")
                .containsEntry("card", "0");
        assertThat(f.fingerprint()).isEqualTo(Labels.fingerprint(f.labels()));
        assertThat(f.id()).isEqualTo(Incident.idFor(f.fingerprint(), f.startsAt(), IncidentStatus.FIRING));
        assertThat(f.annotations()).containsKeys("score", "likelihood", "grade", "confidence", "expected_low", "expected_high");
        assertThat(Double.parseDouble(f.annotations().get("likelihood"))).isBetween(0.99, 1.0);
        assertThat(out).anySatisfy(i -> {
            assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(i.episodeKey()).isEqualTo(f.episodeKey());
        });
        h.close();
    }

    @Test
    void theSpikeOfFortyOnASeriesWithSpreadSevenIsAtLeastAWarning() throws Exception {
        var h = harness(function(List.of()));
        feed(h, 0, SPIKE + 5, new Random(2));
        Incident f = h.extractOutputValues().get(0);
        assertThat(f.severity()).isIn(Severity.WARNING, Severity.CRITICAL);
        h.close();
    }

    @Test
    void aFiringEpisodeOfASeriesThatFallsSilentResolvesOnTheEventTimeTimer() throws Exception {
        var h = harness(function(List.of()));
        feed(h, 0, SPIKE + 3, new Random(3));
        assertThat(h.extractOutputValues()).hasSize(1);
        h.processWatermark(new Watermark(T0 + (SPIKE + 3) * STEP + Duration.ofHours(1).toMillis()));
        List<Incident> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(out.get(1).endsAt()).isAfter(out.get(1).startsAt());
        h.close();
    }

    @Test
    void aMetricWhoseSettingsDisableItRaisesNothingAndKeepsNoState() throws Exception {
        var h = harness(function(List.of(new AnomalySettings("gpu_*", false, 0.5, 256, 64))));
        feed(h, 0, 1600, new Random(4));
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void aRestoreFromASnapshotContinuesExactlyAsWithoutOne() throws Exception {
        var straight = harness(function(List.of()));
        feed(straight, 0, 1600, new Random(5));

        var first = harness(function(List.of()));
        Random r = new Random(5);
        feed(first, 0, 1100, r);
        OperatorSubtaskState snapshot = first.snapshot(1, 1);
        first.close();
        var second = new KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, Incident>(
                new KeyedProcessOperator<>(function(List.of())), MetricEvent::seriesKey, Types.STRING);
        second.initializeState(snapshot);
        second.open();
        feed(second, 1100, 1600, r);
        assertThat(second.extractOutputValues()).isEqualTo(straight.extractOutputValues());
        straight.close();
        second.close();
    }
}

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
        cpu("web-1", 50_000, 90);
        cpu("web-2", 10_000, 90);        // far behind web-1: another series, so not late
        cpu("web-3", 30_000, 90);
        cpu("web-2", 20_000, 90);

        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).extracting(s -> host(s))
                .containsOnly("web-1", "web-2", "web-3").hasSize(4 * 2); // two default rules watch cpu_usage
    }

    @Test
    void aSampleFiftyMinutesAheadMovesOnlyItsOwnSeries() throws Exception {
        cpu("web-1", 0, 90);
        cpu("forged", 50 * 60_000, 99);
        cpu("web-1", 1_000, 90);
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
}

package io.hubwatch.jobs.stats;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;
import io.hubwatch.jobs.stats.Rollups.SeriesMinute;
import io.hubwatch.jobs.stats.internal.SeriesLimit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 short-lived series: the statistics job's per-series state, measured on the operators {@link
 * BusinessStatsJob#build} wires, is there while the series are live and gone once they are silent past their horizon
 * (the minute window; the series limit's hour). A metric's series over its limit are refused and counted.
 */
class StatsStateExpiryTest {
    private static final int SERIES = 100_000;
    private static final long T0 = 1_764_124_800_000L;

    private static MetricEvent sample(int series, long at) {
        return new MetricEvent(at, "web-1", "request_seconds", series, Map.of("request_id", "r-" + series));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, SeriesMinute> seriesWindow() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        BusinessStatsJob.Pipeline p = new BusinessStatsJob(MetricTime.WINDOW_END, SERIES).build(
                env.fromData(new ApiCallEvent(T0, "/a", "GET", 200, 1, null, null, null, 0, 0, 0)),
                env.fromData(new WebVitalEvent(T0, "/", "LCP", 1, null, null, null, null)),
                env.fromData(sample(0, T0)));
        Transformation<?> t = p.series().getTransformation();
        OneInputTransformation window = (OneInputTransformation) t;
        OneInputStreamOperator op = (OneInputStreamOperator) ((SimpleOperatorFactory) window.getOperatorFactory()).getOperator();
        return new KeyedOneInputStreamOperatorTestHarness<>(op, window.getStateKeySelector(), Types.STRING);
    }

    /** The size of the operator's keyed state as a checkpoint would write it. */
    private static long stateBytes(AbstractStreamOperatorTestHarness<?> harness, long checkpoint) throws Exception {
        harness.setCheckpointStorage(new JobManagerCheckpointStorage(256 * 1024 * 1024));
        return harness.snapshot(checkpoint, checkpoint).getManagedKeyedState().getStateSize();
    }

    @Test
    void perSeriesWindowStateOfOneHundredThousandSeriesIsGoneOnceTheirMinuteHasClosed() throws Exception {
        try (var harness = seriesWindow()) {
            harness.open();
            for (int i = 0; i < SERIES; i++) {
                harness.processElement(new StreamRecord<>(sample(i, T0 + i % 60_000), T0 + i % 60_000));
            }
            int live = harness.numKeyedStateEntries();
            long liveBytes = stateBytes(harness, 1);
            harness.processWatermark(new Watermark(T0 + 60_000));

            assertThat(live).isGreaterThanOrEqualTo(SERIES);
            assertThat(liveBytes).isGreaterThan(SERIES * 20L);
            assertThat(stateBytes(harness, 2)).isLessThan(4_096); // serializer metadata only
            assertThat(harness.extractOutputValues()).hasSize(SERIES);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void theSeriesLimitForgetsSilentSeriesAfterItsHorizonAndKeepsNoStateForASilentMetric() throws Exception {
        Duration horizon = StatsJobConfig.CARDINALITY_HORIZON;
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SeriesLimit(SERIES, horizon)), MetricEvent::metric, Types.STRING)) {
            harness.open();
            for (int i = 0; i < SERIES; i++) {
                harness.processElement(new StreamRecord<>(sample(i, T0 + i % 60_000), T0 + i % 60_000));
            }
            long liveBytes = stateBytes(harness, 1);
            harness.processWatermark(new Watermark(T0 + 60_000 + horizon.toMillis() + 1_000));
            long silentBytes = stateBytes(harness, 2);

            // one metric: its map of 100,000 series (measured 6.0 MB) while they are live; once silent only the
            // serializers' metadata (1.5 KB) is left
            assertThat(liveBytes).isGreaterThan(SERIES * 20L);
            assertThat(silentBytes).isLessThan(4_096); // serializer metadata only
            assertThat(harness.extractOutputValues()).hasSize(SERIES);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aMetricOverItsSeriesLimitHasItsNewSeriesRefusedWithTheReasonWhileKnownSeriesGoOn() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SeriesLimit(3, Duration.ofMinutes(10))), MetricEvent::metric, Types.STRING)) {
            harness.open();
            for (int i = 0; i < 5; i++) {
                harness.processElement(new StreamRecord<>(sample(i, T0 + i), T0 + i));
            }
            harness.processElement(new StreamRecord<>(sample(1, T0 + 10), T0 + 10));
            // once the first series are silent for the horizon, room for new ones is back
            harness.processWatermark(new Watermark(T0 + Duration.ofMinutes(11).toMillis()));
            harness.processElement(new StreamRecord<>(sample(7, T0 + Duration.ofMinutes(12).toMillis()),
                    T0 + Duration.ofMinutes(12).toMillis()));

            assertThat(harness.extractOutputValues()).extracting(e -> e.labels().get("request_id"))
                    .containsExactly("r-0", "r-1", "r-2", "r-1", "r-7");
            assertThat(harness.getSideOutput(SeriesLimit.REFUSED)).hasSize(2).allSatisfy(r -> {
                DeadLetter letter = r.getValue();
                assertThat(letter.stage()).isEqualTo("stats-job/series-limit");
                assertThat(letter.reason()).startsWith("metric 'request_seconds' already has 3 series seen in the last PT10M; "
                        + "the limit is 3");
            });
        }
    }
}

package io.hubwatch.jobs.kafka;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final EventTime.NoFuture<Object> generator = new EventTime.NoFuture<>(5_000, clock::get);
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    @Test
    void theWatermarkTrailsTheNewestSampleByTheOutOfOrderness() {
        generator.onEvent(null, 990_000, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(990_000L - 5_000 - 1);
    }

    @Test
    void aSampleFiftyMinutesAheadDoesNotMoveTheWatermarkPastTheClock() {
        generator.onEvent(null, 990_000, output);
        generator.onEvent(null, 1_000_000 + 50 * 60_000, output);
        generator.onPeriodicEmit(output);
        clock.addAndGet(1_000);
        generator.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(1_000_000L - 5_000 - 1, 1_001_000L - 5_000 - 1);
    }

    @Test
    void nothingIsEmittedBeforeTheFirstSample() {
        generator.onPeriodicEmit(output);
        assertThat(emitted).isEmpty();
    }
}

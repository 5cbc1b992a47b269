package io.hubwatch.jobs.kafka;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Watermarks for a metrics topic: bounded out-of-orderness, except that event time never runs ahead of the wall clock.
 * One sample stamped far in the future (a wrong clock, or a forged timestamp) would otherwise move the watermark of
 * its whole partition forward and fire every other series' no-data and {@code keep_firing_for} timers early; capped at
 * the clock, it moves nothing.
 *
 * <pre>{@code
 * env.fromSource(source, EventTime.watermarks(MetricEvent::timestamp, Duration.ofSeconds(5), Duration.ofSeconds(10)), "Metrics");
 * }</pre>
 */
public final class EventTime {
    private EventTime() {}

    /** A timestamp taken from the record itself. */
    public interface Timestamp<T> extends Serializable {
        long of(T record);
    }

    /**
     * @param outOfOrderness how far behind the newest sample (per partition) a sample may be before timers pass it
     * @param idleness       a partition silent this long stops holding back the watermark
     */
    public static <T> WatermarkStrategy<T> watermarks(Timestamp<T> timestamp, Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<T> strategy = WatermarkStrategy.<T>forGenerator(
                        ctx -> new NoFuture<>(outOfOrderness.toMillis(), System::currentTimeMillis))
                .withTimestampAssigner(ctx -> (TimestampAssigner<T>) (record, kafkaTime) -> timestamp.of(record));
        return idleness == null ? strategy : strategy.withIdleness(idleness);
    }

    /** Bounded out-of-orderness over {@code min(newest event time, clock)}. */
    static final class NoFuture<T> implements WatermarkGenerator<T> {
        private final long outOfOrdernessMs;
        private final LongSupplier clock;
        private long newest = Long.MIN_VALUE;

        NoFuture(long outOfOrdernessMs, LongSupplier clock) {
            this.outOfOrdernessMs = outOfOrdernessMs;
            this.clock = clock;
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            newest = Math.max(newest, eventTimestamp);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (newest == Long.MIN_VALUE) {
                return;
            }
            long capped = Math.min(newest, clock.getAsLong());
            output.emitWatermark(new Watermark(capped - outOfOrdernessMs - 1));
        }
    }
}

package io.hubwatch.jobs.ingest;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;

/**
 * Refuses events that arrive after the watermark has passed them: they are later than the allowed lateness (the
 * watermark's bounded out-of-orderness), and evaluating them would reorder a series' history. They go to the dead-letter
 * side output with the reason, and are counted. Also refuses events that fail {@link MetricEvent#problems()}, for
 * streams that did not come through {@link MetricRecordDeserializer}.
 */
public final class LateEventFilter extends ProcessFunction<MetricEvent, MetricEvent> {
    private static final long serialVersionUID = 1L;

    private final String stage;
    private final Duration allowedLateness;
    private transient Counter late;
    private transient Counter invalid;

    public LateEventFilter(String stage, Duration allowedLateness) {
        this.stage = stage;
        this.allowedLateness = allowedLateness;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
        invalid = getRuntimeContext().getMetricGroup().counter("invalidEvents");
    }

    @Override
    public void processElement(MetricEvent event, Context ctx, Collector<MetricEvent> out) {
        var problems = event.problems();
        if (!problems.isEmpty()) {
            invalid.inc();
            ctx.output(SplitRefused.DEAD_LETTERS, deadLetter(event, String.join("; ", problems)));
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (event.timestamp() <= watermark) {
            late.inc();
            ctx.output(SplitRefused.DEAD_LETTERS, deadLetter(event, "late event: event time "
                    + Instant.ofEpochMilli(event.timestamp()) + " is behind the watermark " + Instant.ofEpochMilli(watermark)
                    + " (allowed lateness " + allowedLateness + ") for series " + event.seriesKey()));
            return;
        }
        out.collect(event);
    }

    private DeadLetter deadLetter(MetricEvent event, String reason) {
        return new DeadLetter(Topics.METRICS, stage, reason, EventJson.toJson(event), Instant.now());
    }
}

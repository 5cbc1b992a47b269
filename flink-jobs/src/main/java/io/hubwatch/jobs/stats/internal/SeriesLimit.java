package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * Caps the number of series per metric (key: the metric name). A metric may have {@code maxSeries} series that were
 * seen within the last {@code horizon} of event time; a sample of a further series goes to {@link #REFUSED} as a dead
 * letter naming the metric and the limit, and is counted ({@code refusedSeries}), so a label that takes a new value
 * on every sample (a request id, a timestamp) cannot grow the job's state and the rollup tables without end. A series
 * silent for the horizon stops counting, and a metric whose series are all silent leaves no state.
 *
 * <p>State per metric: the series seen and when (event time), at most {@code maxSeries} entries; one cleanup timer
 * per metric and horizon-second.
 */
public final class SeriesLimit extends KeyedProcessFunction<String, MetricEvent, MetricEvent> {
    private static final long serialVersionUID = 1L;

    /** Samples of series over their metric's limit. */
    public static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("series-over-limit") {};

    private final int maxSeries;
    private final long horizonMs;
    private transient MapState<String, Long> lastSeen;
    private transient ValueState<Integer> count;
    private transient Counter refused;

    public SeriesLimit(int maxSeries, Duration horizon) {
        if (maxSeries < 1 || horizon.toMillis() < 1) {
            throw new IllegalArgumentException("need at least 1 series and a positive horizon, were " + maxSeries
                    + " and " + horizon);
        }
        this.maxSeries = maxSeries;
        this.horizonMs = horizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        lastSeen = getRuntimeContext().getMapState(new MapStateDescriptor<>("series-last-seen", Types.STRING, Types.LONG));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("series-count", Types.INT));
        refused = getRuntimeContext().getMetricGroup().counter("refusedSeries");
    }

    @Override
    public void processElement(MetricEvent event, Context ctx, Collector<MetricEvent> out) throws Exception {
        String series = event.seriesKey();
        Long seen = lastSeen.get(series);
        if (seen == null) {
            int n = count.value() == null ? 0 : count.value();
            if (n >= maxSeries) {
                refused.inc();
                ctx.output(REFUSED, new DeadLetter(Topics.METRICS, "stats-job/series-limit", "metric '" + event.metric()
                        + "' already has " + n + " series seen in the last " + Duration.ofMillis(horizonMs)
                        + "; the limit is " + maxSeries + ", so the new series " + series + " is refused",
                        EventJson.toJson(event), Instant.now()));
                return;
            }
            count.update(n + 1);
        }
        if (seen == null || event.timestamp() > seen) {
            lastSeen.put(series, event.timestamp());
            // rounded up to a second: one timer per metric and second, however many series
            long cleanup = ((event.timestamp() + horizonMs) / 1000 + 1) * 1000;
            ctx.timerService().registerEventTimeTimer(cleanup);
        }
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricEvent> out) throws Exception {
        int removed = 0;
        for (Iterator<Map.Entry<String, Long>> it = lastSeen.iterator(); it.hasNext(); ) {
            if (it.next().getValue() + horizonMs <= timestamp) {
                it.remove();
                removed++;
            }
        }
        int left = (count.value() == null ? 0 : count.value()) - removed;
        if (left <= 0) {
            count.clear();
            lastSeen.clear();
        } else {
            count.update(left);
        }
    }
}

package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** API calls on the main output; web vitals, metrics and refused input on side outputs. */
public final class SplitStatsInput extends ProcessFunction<StatsInput, ApiCallEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<WebVitalEvent> VITALS = new OutputTag<>("web-vitals") {};
    public static final OutputTag<MetricEvent> METRICS = new OutputTag<>("metrics") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("stats-dead-letters") {};

    @Override
    public void processElement(StatsInput in, Context ctx, Collector<ApiCallEvent> out) {
        if (in.call() != null) {
            out.collect(in.call());
        } else if (in.vital() != null) {
            ctx.output(VITALS, in.vital());
        } else if (in.metric() != null) {
            ctx.output(METRICS, in.metric());
        } else {
            ctx.output(DEAD_LETTERS, in.refused());
        }
    }
}

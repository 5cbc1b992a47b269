package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.WebVitalEvent;
import io.hubwatch.jobs.stats.LatencySketch;
import io.hubwatch.jobs.stats.Rollups.PageVitalMinute;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** The p75 of one web vital on one page per window (p75 is what Core Web Vitals assess). Key: {@code page|name}. */
public final class VitalAggregate implements AggregateFunction<WebVitalEvent, LatencySketch, LatencySketch> {
    private static final long serialVersionUID = 1L;

    public static String key(WebVitalEvent e) {
        return e.page() + "|" + e.name();
    }

    @Override
    public LatencySketch createAccumulator() {
        return new LatencySketch();
    }

    @Override
    public LatencySketch add(WebVitalEvent e, LatencySketch acc) {
        acc.add(e.value());
        return acc;
    }

    @Override
    public LatencySketch getResult(LatencySketch acc) {
        return acc;
    }

    @Override
    public LatencySketch merge(LatencySketch a, LatencySketch b) {
        a.merge(b);
        return a;
    }

    public static final class ToRow extends ProcessWindowFunction<LatencySketch, PageVitalMinute, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String key, Context ctx, Iterable<LatencySketch> results, Collector<PageVitalMinute> out) {
            LatencySketch s = results.iterator().next();
            int bar = key.lastIndexOf('|');
            out.collect(new PageVitalMinute(ctx.window().getStart(), key.substring(0, bar), key.substring(bar + 1),
                    s.count(), s.quantile(0.75)));
        }
    }
}

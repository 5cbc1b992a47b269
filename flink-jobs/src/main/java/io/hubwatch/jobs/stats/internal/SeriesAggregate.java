package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.stats.Rollups.SeriesMinute;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.util.TreeMap;

/** Count, min, max, mean and last value of one metric series per window. Key: the series key. */
public final class SeriesAggregate implements AggregateFunction<MetricEvent, SeriesAggregate.Acc, SeriesAggregate.Acc> {
    private static final long serialVersionUID = 1L;

    public static final class Acc {
        public long samples;
        public double sum;
        public double min = Double.POSITIVE_INFINITY;
        public double max = Double.NEGATIVE_INFINITY;
        public double last;
        public long lastTimestamp = Long.MIN_VALUE;
        public String metric;
        public String source;
        public TreeMap<String, String> labels = new TreeMap<>();
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    @Override
    public Acc add(MetricEvent e, Acc acc) {
        acc.samples++;
        acc.sum += e.value();
        acc.min = Math.min(acc.min, e.value());
        acc.max = Math.max(acc.max, e.value());
        if (e.timestamp() >= acc.lastTimestamp) {
            acc.last = e.value();
            acc.lastTimestamp = e.timestamp();
        }
        acc.metric = e.metric();
        acc.source = e.source();
        acc.labels = new TreeMap<>(e.labels());
        return acc;
    }

    @Override
    public Acc getResult(Acc acc) {
        return acc;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
        a.samples += b.samples;
        a.sum += b.sum;
        a.min = Math.min(a.min, b.min);
        a.max = Math.max(a.max, b.max);
        if (b.lastTimestamp >= a.lastTimestamp) {
            a.last = b.last;
            a.lastTimestamp = b.lastTimestamp;
        }
        if (a.metric == null) {
            a.metric = b.metric;
            a.source = b.source;
            a.labels = b.labels;
        }
        return a;
    }

    public static final class ToRow extends ProcessWindowFunction<Acc, SeriesMinute, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String seriesKey, Context ctx, Iterable<Acc> results, Collector<SeriesMinute> out) {
            Acc a = results.iterator().next();
            out.collect(new SeriesMinute(ctx.window().getStart(), seriesKey, a.metric, a.source, a.labels, a.samples,
                    a.min, a.max, a.sum / a.samples, a.last));
        }
    }
}

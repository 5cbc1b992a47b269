package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.jobs.stats.LatencySketch;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Calls, errors and a latency sketch per endpoint and window; the window function turns them into a rollup row. */
public final class EndpointAggregate implements AggregateFunction<ApiCallEvent, EndpointAggregate.Acc, EndpointAggregate.Acc> {
    private static final long serialVersionUID = 1L;

    /** Flink POJO state: public fields, no-argument constructor. */
    public static final class Acc {
        public long calls;
        public long errors;
        public LatencySketch latency = new LatencySketch();
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    @Override
    public Acc add(ApiCallEvent call, Acc acc) {
        acc.calls++;
        if (call.isError()) {
            acc.errors++;
        }
        acc.latency.add(call.latencyMs());
        return acc;
    }

    @Override
    public Acc getResult(Acc acc) {
        return acc;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
        a.calls += b.calls;
        a.errors += b.errors;
        a.latency.merge(b.latency);
        return a;
    }

    /** Adds the endpoint and the window start. */
    public static final class ToRow extends ProcessWindowFunction<Acc, EndpointMinute, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String endpoint, Context ctx, Iterable<Acc> results, Collector<EndpointMinute> out) {
            Acc acc = results.iterator().next();
            out.collect(new EndpointMinute(ctx.window().getStart(), endpoint, acc.calls, acc.errors,
                    100.0 * acc.errors / acc.calls, acc.latency.quantile(0.50), acc.latency.quantile(0.95),
                    acc.latency.quantile(0.99)));
        }
    }
}

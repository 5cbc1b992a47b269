package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.jobs.stats.Rollups.ModelMinute;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.math.BigDecimal;

/**
 * Calls, tokens and cost per model and window. Costs are summed as exact decimals ({@code BigDecimal.valueOf} of each
 * double), so the sum does not depend on the order in which events or partial sums arrive, and equals the sum of the
 * raw events exactly; it becomes a double only in the row.
 */
public final class ModelAggregate implements AggregateFunction<ApiCallEvent, ModelAggregate.Acc, ModelAggregate.Acc> {
    private static final long serialVersionUID = 1L;

    public static final class Acc {
        public long calls;
        public long promptTokens;
        public long completionTokens;
        public BigDecimal cost = BigDecimal.ZERO;
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    @Override
    public Acc add(ApiCallEvent call, Acc acc) {
        acc.calls++;
        acc.promptTokens += call.promptTokens();
        acc.completionTokens += call.completionTokens();
        acc.cost = acc.cost.add(BigDecimal.valueOf(call.cost()));
        return acc;
    }

    @Override
    public Acc getResult(Acc acc) {
        return acc;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
        a.calls += b.calls;
        a.promptTokens += b.promptTokens;
        a.completionTokens += b.completionTokens;
        a.cost = a.cost.add(b.cost);
        return a;
    }

    public static final class ToRow extends ProcessWindowFunction<Acc, ModelMinute, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String model, Context ctx, Iterable<Acc> results, Collector<ModelMinute> out) {
            Acc acc = results.iterator().next();
            out.collect(new ModelMinute(ctx.window().getStart(), model, acc.calls, acc.promptTokens,
                    acc.completionTokens, acc.cost.doubleValue()));
        }
    }
}

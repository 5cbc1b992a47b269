package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.jobs.stats.Rollups.ActivityMinute;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.util.HashSet;

/**
 * Distinct users and sessions per window, exactly (sets of ids). Memory grows with the distinct ids of one minute;
 * a HyperLogLog would bound it if a hub ever has millions of active users a minute.
 */
public final class ActivityAggregate implements AggregateFunction<ApiCallEvent, ActivityAggregate.Acc, ActivityAggregate.Acc> {
    private static final long serialVersionUID = 1L;

    public static final class Acc {
        public HashSet<String> users = new HashSet<>();
        public HashSet<String> sessions = new HashSet<>();
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    @Override
    public Acc add(ApiCallEvent call, Acc acc) {
        if (call.userId() != null) {
            acc.users.add(call.userId());
        }
        if (call.sessionId() != null) {
            acc.sessions.add(call.sessionId());
        }
        return acc;
    }

    @Override
    public Acc getResult(Acc acc) {
        return acc;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
        a.users.addAll(b.users);
        a.sessions.addAll(b.sessions);
        return a;
    }

    public static final class ToRow extends ProcessWindowFunction<Acc, ActivityMinute, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String all, Context ctx, Iterable<Acc> results, Collector<ActivityMinute> out) {
            Acc acc = results.iterator().next();
            out.collect(new ActivityMinute(ctx.window().getStart(), acc.users.size(), acc.sessions.size()));
        }
    }
}

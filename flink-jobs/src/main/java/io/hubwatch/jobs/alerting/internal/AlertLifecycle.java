package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.Incident;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle of one (rule, series): a breach opens an episode and emits one {@code firing} incident; further breaches
 * of the same episode are dropped; the first sample on which the condition no longer holds emits one {@code resolved}
 * incident and closes the episode.
 *
 * <p>Signals come from two paths (CEP for breaches, a plain map for clear samples) and so may arrive out of event-time
 * order. They are buffered until the watermark passes them and then handled in event-time order, so a clear sample is
 * never handled before the breach that precedes it. State: the open episode (only while firing) and the buffer (emptied
 * by each timer): a (rule, series) that is not firing holds no state.
 */
public final class AlertLifecycle extends KeyedProcessFunction<String, AlertSignal, Incident> {
    private static final long serialVersionUID = 1L;

    private final Map<String, Rule> rules = new HashMap<>();

    private transient ValueState<Episode> episode;
    private transient MapState<Long, List<AlertSignal>> pending;
    private transient Counter firing;
    private transient Counter resolved;

    /** An open episode. */
    public static class Episode {
        public long startsAt;
        public long activeAt;

        public Episode() {}

        Episode(long startsAt, long activeAt) {
            this.startsAt = startsAt;
            this.activeAt = activeAt;
        }
    }

    public AlertLifecycle(RuleSet ruleSet) {
        ruleSet.rules().forEach(r -> rules.put(r.id(), r));
    }

    @Override
    public void open(OpenContext openContext) {
        episode = getRuntimeContext().getState(new ValueStateDescriptor<>("episode", Episode.class));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(TypeInformation.of(AlertSignal.class))));
        firing = getRuntimeContext().getMetricGroup().counter("incidentsFiring");
        resolved = getRuntimeContext().getMetricGroup().counter("incidentsResolved");
    }

    @Override
    public void processElement(AlertSignal signal, Context ctx, Collector<Incident> out) throws Exception {
        if (signal.timestamp <= ctx.timerService().currentWatermark()) {
            handle(signal, out); // already in order: nothing older can still arrive
            return;
        }
        List<AlertSignal> atTime = pending.get(signal.timestamp);
        if (atTime == null) {
            atTime = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(signal.timestamp);
        }
        atTime.add(signal);
        pending.put(signal.timestamp, atTime);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Incident> out) throws Exception {
        List<AlertSignal> due = pending.get(timestamp);
        pending.remove(timestamp);
        if (due != null) {
            for (AlertSignal signal : due) {
                handle(signal, out);
            }
        }
    }

    private void handle(AlertSignal signal, Collector<Incident> out) throws Exception {
        Rule rule = rules.get(signal.ruleId);
        if (rule == null) {
            return; // a rule this job does not know (cannot happen with a fixed rule set)
        }
        Episode open = episode.value();
        if (signal.type == AlertSignal.Type.BREACH) {
            if (open == null) {
                episode.update(new Episode(signal.timestamp, signal.activeAt));
                firing.inc();
                out.collect(IncidentFactory.firing(rule, signal.labels, signal.value,
                        Instant.ofEpochMilli(signal.timestamp), Instant.ofEpochMilli(signal.activeAt)));
            }
        } else if (open != null && signal.timestamp > open.startsAt) {
            episode.clear();
            resolved.inc();
            out.collect(IncidentFactory.resolved(rule, signal.labels, signal.value, Instant.ofEpochMilli(open.startsAt),
                    Instant.ofEpochMilli(signal.timestamp), Instant.ofEpochMilli(open.activeAt)));
        }
    }
}

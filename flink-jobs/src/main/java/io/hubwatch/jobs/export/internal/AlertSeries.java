package io.hubwatch.jobs.export.internal;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.sink.prometheus.PrometheusSample;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of every alert as Prometheus' own {@code ALERTS} series: {@code ALERTS{alertname, alertstate="firing",
 * severity, kind, ...labels} 1} while an episode fires, ended by a staleness marker when it resolves, so that
 * {@code ALERTS} queries and Grafana's alert panels work as they do over Prometheus' rule evaluation.
 *
 * <p>Keyed by the alert's fingerprint. Incidents are events, but a Prometheus series goes stale five minutes after
 * its last sample, so a firing alert is written again every {@code resend} (processing time) until it resolves.
 * Samples are stamped with processing time: they describe the alert's state now, and receivers refuse samples older
 * than their head block. A muted alert carries {@code hubwatch_muted="silenced"} or {@code "inhibited"}. The only
 * state is the firing incident and its resend timer, both cleared on resolve.
 */
public final class AlertSeries extends KeyedProcessFunction<String, Incident, PrometheusSample> {
    private static final long serialVersionUID = 1L;
    public static final String METRIC = "ALERTS";

    private final long resendMillis;
    private transient ValueState<Incident> firing;
    private transient ValueState<Long> nextResend;

    public AlertSeries(Duration resend) {
        this.resendMillis = resend.toMillis();
    }

    @Override
    public void open(OpenContext context) {
        firing = getRuntimeContext().getState(new ValueStateDescriptor<>("firing", TypeInformation.of(Incident.class)));
        nextResend = getRuntimeContext().getState(new ValueStateDescriptor<>("next-resend", Long.class));
    }

    @Override
    public void processElement(Incident incident, Context ctx, Collector<PrometheusSample> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Incident open = firing.value();
        if (incident.status() == IncidentStatus.FIRING) {
            if (open != null && !open.startsAt().equals(incident.startsAt())) {
                out.collect(sample(open, now).stale(now));   // a new episode replaces one whose resolve we missed
            }
            if (open == null) {
                schedule(ctx.timerService(), now + resendMillis);
            }
            firing.update(incident);
            out.collect(sample(incident, now));
        } else if (open != null) {
            out.collect(sample(open, now).stale(now));
            firing.clear();
            Long next = nextResend.value();
            if (next != null) {
                ctx.timerService().deleteProcessingTimeTimer(next);
                nextResend.clear();
            }
        }
    }

    private void schedule(org.apache.flink.streaming.api.TimerService timers, long at) throws java.io.IOException {
        timers.registerProcessingTimeTimer(at);
        nextResend.update(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PrometheusSample> out) throws Exception {
        Incident open = firing.value();
        if (open != null) {
            out.collect(sample(open, timestamp));
            schedule(ctx.timerService(), timestamp + resendMillis);
        }
    }

    static PrometheusSample sample(Incident incident, long at) {
        Map<String, String> labels = new TreeMap<>();
        incident.labels().forEach((k, v) -> labels.put(PrometheusSample.labelName(k), v));
        labels.put("alertname", incident.ruleId());
        labels.put("alertstate", "firing");
        labels.put("severity", incident.severity().wireName());
        labels.put("kind", incident.kind().wireName());
        Map<String, String> annotations = incident.annotations();
        if (annotations.containsKey("hubwatch_silenced_by")) {
            labels.put("hubwatch_muted", "silenced");
        } else if (annotations.containsKey("hubwatch_inhibited_by")) {
            labels.put("hubwatch_muted", "inhibited");
        }
        return PrometheusSample.of(METRIC, labels, 1, at);
    }
}

package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.jobs.alerting.SilenceChange;
import io.hubwatch.rules.InhibitRule;
import io.hubwatch.rules.Silence;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Marks incidents that a silence or an inhibition rule mutes, in the annotations {@value #SILENCED_BY} (silence ids)
 * and {@value #INHIBITED_BY} (the muting alert's {@code alertname} and fingerprint). Muted incidents are still emitted:
 * subscribers see everything, notifiers skip what is marked.
 *
 * <p>Inhibition needs every firing alert at hand, so this stage is keyed by one constant key (one instance): it sees
 * only state changes, a small stream. It keeps the firing alerts (fingerprint to labels and marks); a resolved incident
 * carries the marks of its firing, so a muted episode stays muted to its end. Silences come from the
 * {@code alert-silences} topic as broadcast state and are judged at the incident's event time.
 */
public final class MuteIncidents extends KeyedBroadcastProcessFunction<String, Incident, SilenceChange, Incident> {
    private static final long serialVersionUID = 1L;

    public static final String SILENCED_BY = "hubwatch_silenced_by";
    public static final String INHIBITED_BY = "hubwatch_inhibited_by";
    public static final MapStateDescriptor<String, String> SILENCES =
            new MapStateDescriptor<>("alert-silences", Types.STRING, Types.STRING);

    private final List<InhibitRule> inhibitRules;
    private transient MapState<String, String> firing; // fingerprint -> JSON of the firing incident as emitted
    private transient Counter silenced;
    private transient Counter inhibited;

    public MuteIncidents(List<InhibitRule> inhibitRules) {
        this.inhibitRules = List.copyOf(inhibitRules);
    }

    @Override
    public void open(OpenContext openContext) {
        firing = getRuntimeContext().getMapState(new MapStateDescriptor<>("firing-alerts", Types.STRING, Types.STRING));
        silenced = getRuntimeContext().getMetricGroup().counter("incidentsSilenced");
        inhibited = getRuntimeContext().getMetricGroup().counter("incidentsInhibited");
    }

    @Override
    public void processElement(Incident incident, ReadOnlyContext ctx, Collector<Incident> out) throws Exception {
        if (incident.status() == IncidentStatus.RESOLVED) {
            String json = firing.get(incident.fingerprint());
            firing.remove(incident.fingerprint());
            Map<String, String> marks = new TreeMap<>();
            if (json != null) {
                Incident fired = EventJson.read(json.getBytes(StandardCharsets.UTF_8), Incident.class);
                copy(fired.annotations(), marks, SILENCED_BY);
                copy(fired.annotations(), marks, INHIBITED_BY);
            }
            out.collect(withMarks(incident, marks));
            return;
        }
        Instant at = incident.startsAt();
        Map<String, String> marks = new TreeMap<>();
        List<String> silences = new ArrayList<>();
        for (Map.Entry<String, String> e : ctx.getBroadcastState(SILENCES).immutableEntries()) {
            Silence s = EventJson.read(e.getValue().getBytes(StandardCharsets.UTF_8), Silence.class);
            if (s.mutes(incident.labels(), at)) {
                silences.add(s.id());
            }
        }
        if (!silences.isEmpty()) {
            silenced.inc();
            marks.put(SILENCED_BY, String.join(",", silences));
        }
        List<String> sources = new ArrayList<>();
        for (Map.Entry<String, String> e : firing.entries()) {
            Incident source = EventJson.read(e.getValue().getBytes(StandardCharsets.UTF_8), Incident.class);
            for (InhibitRule rule : inhibitRules) {
                if (rule.mutes(source.labels(), incident.labels())) {
                    sources.add(source.labels().getOrDefault("alertname", "?") + "/" + source.fingerprint());
                    break;
                }
            }
        }
        if (!sources.isEmpty()) {
            inhibited.inc();
            marks.put(INHIBITED_BY, String.join(",", sources));
        }
        Incident marked = withMarks(incident, marks);
        firing.put(incident.fingerprint(), EventJson.toJson(marked));
        out.collect(marked);
    }

    @Override
    public void processBroadcastElement(SilenceChange change, Context ctx, Collector<Incident> out) throws Exception {
        if (change.json == null) {
            ctx.getBroadcastState(SILENCES).remove(change.id);
            return;
        }
        try {
            EventJson.read(change.json.getBytes(StandardCharsets.UTF_8), Silence.class);
            ctx.getBroadcastState(SILENCES).put(change.id, change.json);
        } catch (RuntimeException invalid) {
            // an unreadable silence mutes nothing; the API that wrote it validated it
        }
    }

    private static void copy(Map<String, String> from, Map<String, String> to, String key) {
        if (from.containsKey(key)) {
            to.put(key, from.get(key));
        }
    }

    private static Incident withMarks(Incident i, Map<String, String> marks) {
        if (marks.isEmpty()) {
            return i;
        }
        Map<String, String> annotations = new TreeMap<>(i.annotations());
        annotations.putAll(marks);
        return new Incident(i.id(), i.ruleId(), i.kind(), i.status(), i.severity(), i.metric(), i.labels(), i.value(),
                i.threshold(), i.startsAt(), i.endsAt(), i.summary(), annotations, i.fingerprint());
    }
}

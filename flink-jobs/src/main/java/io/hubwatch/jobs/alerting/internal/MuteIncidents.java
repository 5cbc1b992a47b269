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
    /** Firing alerts: fingerprint to the marks their firing carried ("" for none), for their resolved message. */
    private transient MapState<String, String> firing;
    /**
     * Firing inhibition sources, indexed so a target is checked in one lookup: key = inhibit rule index + the values
     * of its {@code equal} labels; value = the sources' "alertname/fingerprint", comma-separated.
     */
    private transient MapState<String, String> sources;
    private transient Map<String, Silence> parsedSilences;
    private transient Counter silenced;
    private transient Counter inhibited;

    public MuteIncidents(List<InhibitRule> inhibitRules) {
        this.inhibitRules = List.copyOf(inhibitRules);
    }

    @Override
    public void open(OpenContext openContext) {
        firing = getRuntimeContext().getMapState(new MapStateDescriptor<>("firing-alerts", Types.STRING, Types.STRING));
        sources = getRuntimeContext().getMapState(new MapStateDescriptor<>("inhibit-sources", Types.STRING, Types.STRING));
        silenced = getRuntimeContext().getMetricGroup().counter("incidentsSilenced");
        inhibited = getRuntimeContext().getMetricGroup().counter("incidentsInhibited");
    }

    @Override
    public void processElement(Incident incident, ReadOnlyContext ctx, Collector<Incident> out) throws Exception {
        String fp = incident.fingerprint();
        String source = incident.labels().getOrDefault("alertname", "?") + "/" + fp;
        if (incident.status() == IncidentStatus.RESOLVED) {
            String marks = firing.get(fp);
            firing.remove(fp);
            for (int r = 0; r < inhibitRules.size(); r++) {
                if (inhibitRules.get(r).isSource(incident.labels())) {
                    String key = sourceKey(r, incident.labels());
                    List<String> rest = new ArrayList<>(List.of(sources.contains(key) ? sources.get(key).split(",") : new String[0]));
                    rest.remove(source);
                    if (rest.isEmpty()) {
                        sources.remove(key);
                    } else {
                        sources.put(key, String.join(",", rest));
                    }
                }
            }
            out.collect(withMarks(incident, decode(marks)));
            return;
        }
        Map<String, String> marks = new TreeMap<>();
        List<String> silences = new ArrayList<>();
        for (Silence s : silences(ctx)) {
            if (s.mutes(incident.labels(), incident.startsAt())) {
                silences.add(s.id());
            }
        }
        if (!silences.isEmpty()) {
            silenced.inc();
            marks.put(SILENCED_BY, String.join(",", silences));
        }
        List<String> by = new ArrayList<>();
        for (int r = 0; r < inhibitRules.size(); r++) {
            InhibitRule rule = inhibitRules.get(r);
            if (rule.isTarget(incident.labels())) {
                String muting = sources.get(sourceKey(r, incident.labels()));
                if (muting != null) {
                    for (String m : muting.split(",")) {
                        if (!m.equals(source) && !by.contains(m)) {
                            by.add(m);
                        }
                    }
                }
            }
        }
        if (!by.isEmpty()) {
            inhibited.inc();
            marks.put(INHIBITED_BY, String.join(",", by));
        }
        for (int r = 0; r < inhibitRules.size(); r++) {
            if (inhibitRules.get(r).isSource(incident.labels())) {
                String key = sourceKey(r, incident.labels());
                String current = sources.get(key);
                if (current == null) {
                    sources.put(key, source);
                } else if (!List.of(current.split(",")).contains(source)) {
                    sources.put(key, current + "," + source);
                }
            }
        }
        firing.put(fp, encode(marks));
        out.collect(withMarks(incident, marks));
    }

    @Override
    public void processBroadcastElement(SilenceChange change, Context ctx, Collector<Incident> out) throws Exception {
        parsedSilences = null;
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

    /** The silences, parsed once per change of the broadcast state (and after a restore). */
    private Iterable<Silence> silences(ReadOnlyContext ctx) throws Exception {
        if (parsedSilences == null) {
            Map<String, Silence> parsed = new java.util.HashMap<>();
            for (Map.Entry<String, String> e : ctx.getBroadcastState(SILENCES).immutableEntries()) {
                parsed.put(e.getKey(), EventJson.read(e.getValue().getBytes(StandardCharsets.UTF_8), Silence.class));
            }
            parsedSilences = parsed;
        }
        return parsedSilences.values();
    }

    private String sourceKey(int rule, Map<String, String> labels) {
        StringBuilder key = new StringBuilder().append(rule);
        for (String name : inhibitRules.get(rule).equal()) {
            key.append('\u0000').append(labels.getOrDefault(name, ""));
        }
        return key.toString();
    }

    private static String encode(Map<String, String> marks) {
        return marks.isEmpty() ? "" : EventJson.toJson(marks);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> decode(String marks) {
        return marks == null || marks.isEmpty() ? Map.of()
                : EventJson.read(marks.getBytes(StandardCharsets.UTF_8), Map.class);
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

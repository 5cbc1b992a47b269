package io.hubwatch.notify.routing;

import io.hubwatch.events.Incident;

import java.util.Map;
import java.util.TreeMap;

/**
 * The label set routes match on: the incident's labels, plus {@code severity} from the incident when the labels lack
 * it (Alertmanager routes commonly match on severity).
 */
public final class AlertLabels {
    private AlertLabels() {}

    public static Map<String, String> of(Incident incident) {
        TreeMap<String, String> labels = new TreeMap<>(incident.labels());
        if (incident.severity() != null) {
            labels.putIfAbsent("severity", incident.severity().wireName());
        }
        if (incident.ruleId() != null) {
            labels.putIfAbsent("alertname", incident.ruleId());
        }
        return labels;
    }

    /** Annotation keys that mark an incident as muted; a non-empty value means "do not notify". */
    public static final String SILENCED_BY = "hubwatch_silenced_by";
    public static final String INHIBITED_BY = "hubwatch_inhibited_by";

    /** Whether a silence or an inhibition (marked upstream in the annotations) mutes this incident. */
    public static boolean isMuted(Incident incident) {
        return !incident.annotations().getOrDefault(SILENCED_BY, "").isBlank()
                || !incident.annotations().getOrDefault(INHIBITED_BY, "").isBlank();
    }
}

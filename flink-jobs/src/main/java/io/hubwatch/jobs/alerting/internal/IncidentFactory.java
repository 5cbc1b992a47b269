package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.Durations;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Labels;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.Templates;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Builds the incidents of a threshold rule's episode. Deterministic: the same inputs give the same incident. */
public final class IncidentFactory implements Serializable {
    private static final long serialVersionUID = 1L;

    private IncidentFactory() {}

    /** The alert's labels: the series labels, the rule's own labels, and {@code alertname}. */
    public static Map<String, String> alertLabels(Rule rule, Map<String, String> seriesLabels) {
        Map<String, String> labels = new TreeMap<>(seriesLabels);
        labels.putAll(rule.labels());
        labels.put("alertname", rule.id());
        return labels;
    }

    public static Incident firing(Rule rule, Map<String, String> seriesLabels, double value, Instant startsAt,
                                  Instant activeAt) {
        return incident(rule, seriesLabels, IncidentStatus.FIRING, value, startsAt, null, activeAt);
    }

    public static Incident resolved(Rule rule, Map<String, String> seriesLabels, double value, Instant startsAt,
                                    Instant endsAt, Instant activeAt) {
        return incident(rule, seriesLabels, IncidentStatus.RESOLVED, value, startsAt, endsAt, activeAt);
    }

    /**
     * A NoData incident: the series of a rule with {@code absent_for} fell silent. Its own alert (label
     * {@code alertstate="nodata"}), so it can fire beside the rule's threshold alert.
     *
     * @param endsAt null while firing
     */
    public static Incident noData(Rule rule, Map<String, String> seriesLabels, double lastValue, Instant startsAt,
                                  Instant lastSeen, Instant endsAt) {
        Map<String, String> labels = alertLabels(rule, seriesLabels);
        labels.put("alertstate", "nodata");
        String fingerprint = Labels.fingerprint(labels);
        IncidentStatus status = endsAt == null ? IncidentStatus.FIRING : IncidentStatus.RESOLVED;
        Map<String, String> annotations = new TreeMap<>();
        annotations.put("condition", "no data for " + Durations.format(rule.absentFor()));
        annotations.put("last_seen", lastSeen.toString());
        String summary = "no " + rule.metric() + " data from " + labels.getOrDefault("host", "?") + " for "
                + Durations.format(rule.absentFor()) + " (rule " + rule.id() + ")";
        return new Incident(Incident.idFor(fingerprint, startsAt, status), rule.id(), IncidentKind.THRESHOLD, status,
                rule.severity(), rule.metric(), labels, lastValue, null, startsAt, endsAt, summary, annotations,
                fingerprint);
    }

    private static Incident incident(Rule rule, Map<String, String> seriesLabels, IncidentStatus status, double value,
                                     Instant startsAt, Instant endsAt, Instant activeAt) {
        Map<String, String> labels = alertLabels(rule, seriesLabels);
        String fingerprint = Labels.fingerprint(labels);
        Map<String, String> annotations = new TreeMap<>();
        rule.annotations().forEach((k, template) ->
                annotations.put(k, Templates.render(template, labels, value, rule.threshold())));
        annotations.put("condition", rule.describe());
        annotations.put("active_at", activeAt.toString());
        String summary = annotations.containsKey("summary") ? annotations.get("summary")
                : rule.describe() + " on " + labels.getOrDefault("host", "?") + " (value " + Templates.number(value) + ")";
        return new Incident(Incident.idFor(fingerprint, startsAt, status), rule.id(), IncidentKind.THRESHOLD, status,
                rule.severity(), rule.metric(), labels, value, rule.threshold(), startsAt, endsAt, summary, annotations,
                fingerprint);
    }
}

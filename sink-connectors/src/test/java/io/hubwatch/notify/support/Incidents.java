package io.hubwatch.notify.support;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Labels;
import io.hubwatch.events.Severity;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Builds incidents as the alert job publishes them. */
public final class Incidents {
    private Incidents() {}

    public static Incident firing(String rule, String host, Instant startsAt) {
        return firing(rule, host, startsAt, Map.of());
    }

    public static Incident firing(String rule, String host, Instant startsAt, Map<String, String> annotations) {
        Map<String, String> labels = labels(rule, host);
        String fp = Labels.fingerprint(labels);
        return new Incident(Incident.idFor(fp, startsAt, IncidentStatus.FIRING), rule, IncidentKind.THRESHOLD,
                IncidentStatus.FIRING, Severity.WARNING, "cpu_usage", labels, 93.5, 80.0, startsAt, null,
                "cpu_usage >= 80 for 3s on " + host, annotations, fp);
    }

    public static Incident resolved(Incident firing, Instant endsAt) {
        return new Incident(Incident.idFor(firing.fingerprint(), firing.startsAt(), IncidentStatus.RESOLVED),
                firing.ruleId(), firing.kind(), IncidentStatus.RESOLVED, firing.severity(), firing.metric(),
                firing.labels(), 12.0, firing.threshold(), firing.startsAt(), endsAt, firing.summary(),
                firing.annotations(), firing.fingerprint());
    }

    private static Map<String, String> labels(String rule, String host) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("alertname", rule);
        labels.put("host", host);
        return labels;
    }
}

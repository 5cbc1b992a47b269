package io.hubwatch.notify.receiver;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One notification for one receiver: the alerts of one group at one flush.
 *
 * @param receiver       the receiver's name
 * @param groupKey       Alertmanager-style group key (route key and group labels)
 * @param alerts         what this integration sends: firing alerts, plus resolved ones when it has send_resolved
 * @param idempotencyKey the same for the same group and the same episodes in the same states, so a receiver can drop a
 *                       repeat (webhook/Slack header {@code Idempotency-Key}, email {@code Message-ID})
 * @param externalUrl    Hubwatch's external URL, for links
 */
public record Notification(String receiver, String groupKey, Map<String, String> groupLabels, List<Incident> alerts,
                           String idempotencyKey, String externalUrl) {

    public Notification {
        groupLabels = new TreeMap<>(groupLabels);
        alerts = List.copyOf(alerts);
    }

    /** {@code firing} if any alert fires, else {@code resolved}, as in Alertmanager. */
    public IncidentStatus status() {
        return alerts.stream().anyMatch(a -> a.status() == IncidentStatus.FIRING) ? IncidentStatus.FIRING : IncidentStatus.RESOLVED;
    }

    public long firingCount() {
        return alerts.stream().filter(a -> a.status() == IncidentStatus.FIRING).count();
    }

    public long resolvedCount() {
        return alerts.size() - firingCount();
    }

    /** Labels every alert has with the same value. */
    public Map<String, String> commonLabels() {
        return common(alerts.stream().map(Notification::labelsOf).toList());
    }

    /** Annotations every alert has with the same value. */
    public Map<String, String> commonAnnotations() {
        return common(alerts.stream().map(Notification::annotationsOf).toList());
    }

    /** An alert's labels as sent: its labels plus alertname and severity when missing. */
    public static Map<String, String> labelsOf(Incident i) {
        return io.hubwatch.notify.routing.AlertLabels.of(i);
    }

    /** An alert's annotations as sent: its annotations plus {@code summary}. */
    public static Map<String, String> annotationsOf(Incident i) {
        TreeMap<String, String> a = new TreeMap<>(i.annotations());
        if (i.summary() != null) {
            a.putIfAbsent("summary", i.summary());
        }
        return a;
    }

    /** A link to the alert in Hubwatch (Alertmanager's {@code generatorURL}). */
    public String linkOf(Incident i) {
        return externalUrl.replaceAll("/+$", "") + "/incidents?fingerprint=" + i.fingerprint();
    }

    /** {@code [FIRING:3] high_cpu_usage (host="web-1")}. */
    public String title() {
        StringBuilder sb = new StringBuilder("[").append(status().wireName().toUpperCase(java.util.Locale.ROOT));
        if (status() == IncidentStatus.FIRING) {
            sb.append(':').append(firingCount());
        }
        sb.append("] ").append(commonLabels().getOrDefault("alertname", "alerts"));
        Map<String, String> rest = new LinkedHashMap<>(groupLabels);
        rest.remove("alertname");
        if (!rest.isEmpty()) {
            sb.append(' ').append(io.hubwatch.events.Labels.render(rest).replace('{', '(').replace('}', ')'));
        }
        return sb.toString();
    }

    private static Map<String, String> common(List<Map<String, String>> maps) {
        if (maps.isEmpty()) {
            return Map.of();
        }
        TreeMap<String, String> out = new TreeMap<>(maps.get(0));
        for (Map<String, String> m : maps.subList(1, maps.size())) {
            out.entrySet().removeIf(e -> !Objects.equals(m.get(e.getKey()), e.getValue()));
        }
        return out;
    }
}

package io.hubwatch.notify.receiver.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.notify.receiver.Notification;

/** One PagerDuty Events API v2 event per alert; {@code dedup_key} = the alert's fingerprint. */
public final class PagerDutyPayload {
    private PagerDutyPayload() {}

    public static ObjectNode event(Notification n, Incident i, String routingKey) {
        ObjectNode e = EventJson.mapper().createObjectNode();
        e.put("routing_key", routingKey);
        e.put("event_action", i.status() == IncidentStatus.FIRING ? "trigger" : "resolve");
        e.put("dedup_key", i.fingerprint());
        e.put("client", "Hubwatch");
        e.put("client_url", n.externalUrl());
        if (i.status() == IncidentStatus.FIRING) {
            ObjectNode p = e.putObject("payload");
            String summary = i.summary() == null ? n.title() : i.summary();
            p.put("summary", summary.length() > 1024 ? summary.substring(0, 1024) : summary);
            p.put("source", Notification.labelsOf(i).getOrDefault("host", "hubwatch"));
            p.put("severity", i.severity() == null ? "error" : switch (i.severity()) {
                case CRITICAL -> "critical";
                case WARNING -> "warning";
                case INFO -> "info";
            });
            p.put("timestamp", i.startsAt().toString());
            p.put("component", i.metric());
            p.put("group", n.groupKey());
            p.put("class", i.ruleId());
            ObjectNode details = p.putObject("custom_details");
            Notification.labelsOf(i).forEach(details::put);
            details.put("value", i.value());
            if (i.threshold() != null) {
                details.put("threshold", i.threshold());
            }
            e.putArray("links").addObject().put("href", n.linkOf(i)).put("text", "Hubwatch incident");
        }
        return e;
    }
}

package io.hubwatch.notify.receiver.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.notify.receiver.Notification;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The Alertmanager webhook body, {@code "version": "4"}, field for field. */
public final class AlertmanagerPayload {
    /** Go's zero time, what Alertmanager sends as {@code endsAt} of a firing alert. */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private AlertmanagerPayload() {}

    public static ObjectNode build(Notification n, int maxAlerts) {
        ObjectNode root = EventJson.mapper().createObjectNode();
        List<Incident> alerts = n.alerts();
        int truncated = 0;
        if (maxAlerts > 0 && alerts.size() > maxAlerts) {
            truncated = alerts.size() - maxAlerts;
            alerts = alerts.subList(0, maxAlerts);
        }
        root.put("version", "4");
        root.put("groupKey", n.groupKey());
        root.put("truncatedAlerts", truncated);
        root.put("status", n.status().wireName());
        root.put("receiver", n.receiver());
        putMap(root.putObject("groupLabels"), n.groupLabels());
        putMap(root.putObject("commonLabels"), n.commonLabels());
        putMap(root.putObject("commonAnnotations"), n.commonAnnotations());
        root.put("externalURL", n.externalUrl());
        ArrayNode list = root.putArray("alerts");
        for (Incident i : alerts) {
            ObjectNode a = list.addObject();
            a.put("status", i.status().wireName());
            putMap(a.putObject("labels"), Notification.labelsOf(i));
            putMap(a.putObject("annotations"), Notification.annotationsOf(i));
            a.put("startsAt", time(i.startsAt()));
            a.put("endsAt", i.status() == IncidentStatus.RESOLVED && i.endsAt() != null ? time(i.endsAt()) : ZERO_TIME);
            a.put("generatorURL", n.linkOf(i));
            a.put("fingerprint", i.fingerprint());
        }
        return root;
    }

    private static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }

    private static void putMap(ObjectNode node, Map<String, String> map) {
        map.forEach(node::put);
    }
}

package io.hubwatch.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One state change of one alert episode, as published on {@link Topics#INCIDENTS}: an episode has one
 * {@link IncidentStatus#FIRING} message and, later, one {@link IncidentStatus#RESOLVED} message with the same
 * {@code fingerprint} and {@code startsAt}.
 *
 * <pre>{@code
 * {"id":"…","ruleId":"high_cpu_usage","kind":"threshold","status":"firing","severity":"warning",
 *  "metric":"cpu_usage","labels":{"alertname":"high_cpu_usage","host":"web-1"},"value":93.1,"threshold":80.0,
 *  "startsAt":"2026-11-26T03:00:00Z","endsAt":null,"summary":"cpu_usage > 80 for 5m on web-1",
 *  "annotations":{},"fingerprint":"9f2c…"}
 * }</pre>
 *
 * @param id          deterministic per message: the same episode and status always give the same id, so a replay
 *                    can be dropped by id
 * @param labels      the series labels plus {@code alertname} and the rule's own labels
 * @param value       the sample value that caused this state change
 * @param startsAt    when the episode started firing (event time)
 * @param endsAt      when it resolved (event time); null while firing
 * @param fingerprint identifies the alert series ({@link Labels#fingerprint} of {@code labels}), stable across
 *                    episodes; {@code fingerprint + startsAt} identifies the episode
 */
public record Incident(
        String id,
        String ruleId,
        IncidentKind kind,
        IncidentStatus status,
        Severity severity,
        String metric,
        Map<String, String> labels,
        double value,
        Double threshold,
        Instant startsAt,
        Instant endsAt,
        String summary,
        Map<String, String> annotations,
        String fingerprint) {

    public Incident {
        labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
        annotations = annotations == null ? new TreeMap<>() : new TreeMap<>(annotations);
    }

    /** The deterministic message id of an episode's state change. */
    public static String idFor(String fingerprint, Instant startsAt, IncidentStatus status) {
        String name = fingerprint + "|" + startsAt.toEpochMilli() + "|" + status.wireName();
        return Digests.nameUuid(name.getBytes(StandardCharsets.UTF_8)).toString(); // = UUID.nameUUIDFromBytes
    }

    /** The key of the episode this message belongs to: {@code fingerprint@startsAtMillis}. */
    public String episodeKey() {
        return fingerprint + "@" + startsAt.toEpochMilli();
    }
}

package io.hubwatch.jobs.anomaly.internal;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Labels;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Severity;
import io.hubwatch.jobs.anomaly.detector.Detection;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Turns the detector's episode changes into {@link Incident}s of kind {@code anomaly}. */
public final class AnomalyIncidents {
    private AnomalyIncidents() {}

    /** The rule id of a metric's anomaly incidents, also their {@code alertname}. */
    public static String ruleId(String metric) {
        return "anomaly:" + metric;
    }

    /**
     * Severity from how far the value lies from the series' recent statistics: at least 6 standard deviations is
     * critical, at least 3 a warning, anything closer (an unusual shape rather than an unusual value) info.
     */
    public static Severity severity(double zScore) {
        double z = Math.abs(zScore);
        return z >= 6 ? Severity.CRITICAL : z >= 3 ? Severity.WARNING : Severity.INFO;
    }

    /** A word for how unlikely the recent scores are: strong below 1 in 10,000, moderate below 1 in 1,000. */
    public static String grade(double likelihood) {
        double tail = 1 - likelihood;
        return tail < 1e-4 ? "strong" : tail < 1e-3 ? "moderate" : "weak";
    }

    public static Incident firing(MetricEvent event, Detection d) {
        Map<String, String> labels = new TreeMap<>(event.seriesLabels());
        labels.put("alertname", ruleId(event.metric()));
        String fingerprint = Labels.fingerprint(labels);
        Instant startsAt = Instant.ofEpochMilli(event.timestamp());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("score", fmt(d.score()));
        annotations.put("likelihood", fmt(d.likelihood()));
        annotations.put("grade", grade(d.likelihood()));
        annotations.put("confidence", fmt(d.confidence()));
        annotations.put("expected_low", fmt(d.expectedLow()));
        annotations.put("expected_high", fmt(d.expectedHigh()));
        annotations.put("z_score", fmt(d.zScore()));
        String summary = String.format(Locale.ROOT, "%s on %s is anomalous: %s, expected %s..%s (likelihood %s, %s)",
                event.metric(), event.source(), fmt(d.peak()), fmt(d.expectedLow()), fmt(d.expectedHigh()),
                fmt(d.likelihood()), grade(d.likelihood()));
        return new Incident(Incident.idFor(fingerprint, startsAt, IncidentStatus.FIRING), ruleId(event.metric()),
                IncidentKind.ANOMALY, IncidentStatus.FIRING, severity(d.zScore()), event.metric(), labels,
                d.peak(), null, startsAt, null, summary, annotations, fingerprint);
    }

    public static Incident resolved(Incident firing, double value, long atMillis) {
        Instant endsAt = Instant.ofEpochMilli(Math.max(atMillis, firing.startsAt().toEpochMilli()));
        return new Incident(Incident.idFor(firing.fingerprint(), firing.startsAt(), IncidentStatus.RESOLVED),
                firing.ruleId(), firing.kind(), IncidentStatus.RESOLVED, firing.severity(), firing.metric(),
                firing.labels(), value, null, firing.startsAt(), endsAt,
                firing.metric() + " on " + firing.labels().getOrDefault("host", "?") + " is back to normal",
                firing.annotations(), firing.fingerprint());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}

package io.hubwatch.events;

/**
 * Kafka topic names, in one place. Every producer and consumer in Hubwatch names its topics through these constants.
 *
 * <pre>{@code
 * consumer.subscribe(List.of(Topics.INCIDENTS));
 * }</pre>
 */
public final class Topics {
    /** {@link MetricEvent}s from collectors and from the statistics job; key = {@link MetricEvent#seriesKey()}. */
    public static final String METRICS = "metrics";
    /**
     * {@link Incident}s from the alert job (threshold rules, and the anomaly job's incidents after silences and
     * inhibition); key = {@link Incident#fingerprint()}. Written exactly once.
     */
    public static final String INCIDENTS = "incidents";
    /**
     * {@link Incident}s of kind {@code anomaly} from the anomaly job, on their way into the alert job's silences and
     * inhibition (which passes them on to {@link #INCIDENTS}); key = {@link Incident#fingerprint()}. Written exactly once.
     */
    public static final String ANOMALY_INCIDENTS = "anomaly-incidents";
    /** Rule changes, compacted: key = rule id, a tombstone deletes the rule. */
    public static final String ALERT_RULES = "alert-rules";
    /** Silences, compacted: key = silence id, a tombstone deletes the silence. */
    public static final String ALERT_SILENCES = "alert-silences";
    /** {@link DeadLetter}s: input that could not be processed, with the reason. */
    public static final String DEAD_LETTER = "dead-letter";
    /** {@link ApiCallEvent}s from the ingest gateway; key = endpoint. */
    public static final String API_CALLS = "api-calls";
    /** {@link WebVitalEvent}s from the browser beacon through the ingest gateway; key = page. */
    public static final String WEB_VITALS = "web-vitals";

    private Topics() {}
}

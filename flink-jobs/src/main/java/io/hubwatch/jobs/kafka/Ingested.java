package io.hubwatch.jobs.kafka;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.MetricEvent;

/**
 * What the metrics source hands on: a valid event, or the refused input with why. The deserializer never throws, so a
 * bad record can never fail the job.
 */
public record Ingested(MetricEvent event, DeadLetter refused) {

    public static Ingested ok(MetricEvent event) {
        return new Ingested(event, null);
    }

    public static Ingested refused(DeadLetter deadLetter) {
        return new Ingested(null, deadLetter);
    }

    /** Event time for the watermark: the event's own time; refused input does not move the watermark. */
    public long eventTime() {
        return event != null ? event.timestamp() : Long.MIN_VALUE;
    }
}

package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;

/**
 * What the statistics job's one Kafka source hands on: exactly one of an API call, a web vital, a metric, or refused
 * input with the reason. One source for the three topics gives one watermark over all of them, so the steady
 * {@code metrics} stream keeps event time moving when API calls pause, and windows of quiet endpoints still close.
 */
public record StatsInput(ApiCallEvent call, WebVitalEvent vital, MetricEvent metric, DeadLetter refused) {

    /** Event time for the watermark; refused input does not move it. */
    public long eventTime() {
        if (call != null) {
            return call.timestamp();
        }
        if (vital != null) {
            return vital.timestamp();
        }
        if (metric != null) {
            return metric.timestamp();
        }
        return Long.MIN_VALUE;
    }
}

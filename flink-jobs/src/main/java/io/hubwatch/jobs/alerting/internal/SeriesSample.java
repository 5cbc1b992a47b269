package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Labels;
import io.hubwatch.events.MetricEvent;

import java.util.Map;

/**
 * One sample on its way to {@link EvaluateRules}: the series key, computed once where the event is parsed, and what the
 * rules read (metric, time, value).
 *
 * <p>Why not the {@link MetricEvent} itself: across the exchange keyed by series, the event's labels map was serialised
 * and rebuilt (a sorted map, built by reflection) for every sample, and its series key, the Flink key, was computed again
 * on both sides of the exchange (sender's channel choice, receiver's key context, the function). The key already names
 * the labels ({@link Labels#ofSeriesKey}), which only a rule with matchers needs. Measured in docs/decisions.md.
 *
 * <p>Public fields; Flink writes it with {@link SeriesSampleSerializer}.
 */
@TypeInfo(SeriesSampleSerializer.Factory.class)
public class SeriesSample {
    /** {@link MetricEvent#seriesKey()}: the metric and its series labels, the source as {@code host}. */
    public String series;
    public String metric;
    public long timestamp;
    public double value;

    public SeriesSample() {}

    public static SeriesSample of(MetricEvent event) {
        SeriesSample s = new SeriesSample();
        s.series = event.seriesKey();
        s.metric = event.metric();
        s.timestamp = event.timestamp();
        s.value = event.value();
        return s;
    }

    /** The series labels, host included, read back from the key. */
    public Map<String, String> seriesLabels() {
        return Labels.ofSeriesKey(series);
    }

    /**
     * The sample as a metric event, for a dead letter: the same series (labels with {@code host}, the source named by
     * it), time and value; a label spelt {@code host} that differed from the source is the only thing the key keeps
     * in place of the source.
     */
    public String toJson() {
        Map<String, String> labels = seriesLabels();
        String host = labels.remove("host");
        return EventJson.toJson(new MetricEvent(timestamp, host, metric, value, labels));
    }

    @Override
    public String toString() {
        return "SeriesSample{" + series + " @" + timestamp + " " + value + "}";
    }
}

package io.hubwatch.jobs.export.internal;

import io.hubwatch.events.MetricEvent;
import io.hubwatch.sink.prometheus.PrometheusSample;
import org.apache.flink.api.common.functions.MapFunction;

import java.util.Map;
import java.util.TreeMap;

/**
 * A metric event as a Prometheus sample: the metric name and label names made legal for Prometheus (every other
 * character becomes {@code _}), the source as {@code host}, the event's own timestamp.
 */
public final class MetricSamples implements MapFunction<MetricEvent, PrometheusSample> {
    private static final long serialVersionUID = 1L;

    @Override
    public PrometheusSample map(MetricEvent e) {
        return sample(e);
    }

    public static PrometheusSample sample(MetricEvent e) {
        Map<String, String> labels = new TreeMap<>();
        e.seriesLabels().forEach((k, v) -> labels.put(PrometheusSample.labelName(k), v));
        return PrometheusSample.of(PrometheusSample.metricName(e.metric()), labels, e.value(), e.timestamp());
    }
}

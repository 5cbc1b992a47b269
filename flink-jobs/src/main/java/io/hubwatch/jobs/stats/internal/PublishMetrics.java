package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.stats.MetricTime;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.Map;

/**
 * Turns an endpoint's minute into the two metrics the default rules watch: {@code api_response_time} (p95, ms) and
 * {@code error_rate} (%), labelled with the endpoint, from source {@code stats-job}.
 */
public final class PublishMetrics implements FlatMapFunction<EndpointMinute, MetricEvent> {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE = "stats-job";
    private static final long MINUTE = 60_000;

    private final MetricTime time;

    public PublishMetrics(MetricTime time) {
        this.time = time;
    }

    @Override
    public void flatMap(EndpointMinute row, Collector<MetricEvent> out) {
        long windowEnd = row.minute() + MINUTE;
        long timestamp = time == MetricTime.WINDOW_END ? windowEnd : Math.max(windowEnd, System.currentTimeMillis());
        Map<String, String> labels = Map.of("endpoint", row.endpoint());
        out.collect(new MetricEvent(timestamp, SOURCE, "api_response_time", row.p95Ms(), labels));
        out.collect(new MetricEvent(timestamp, SOURCE, "error_rate", row.errorRate(), labels));
    }
}

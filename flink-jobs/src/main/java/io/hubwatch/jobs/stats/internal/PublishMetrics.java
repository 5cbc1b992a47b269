package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.stats.MetricTime;
import io.hubwatch.jobs.stats.Rollups.ActivityMinute;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import io.hubwatch.jobs.stats.Rollups.ModelMinute;
import io.hubwatch.jobs.stats.Rollups.PageVitalMinute;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.Map;

/**
 * Turns the minute rollups into metrics on the metrics topic (source {@code stats-job}), so that alert rules can watch
 * them and the export job writes them to Prometheus for the business and frontend dashboards:
 * <ul>
 *   <li>per endpoint: {@code api_response_time} (p95, ms; the default rule {@code critical_response_time} watches it),
 *       {@code api_response_time_p50}, {@code api_response_time_p99}, {@code error_rate} (%; rule
 *       {@code high_error_rate}) and {@code api_requests_per_second};</li>
 *   <li>per model: {@code model_calls_per_second}, {@code model_tokens_per_second} (label {@code kind} = prompt or
 *       completion) and {@code model_cost_per_minute};</li>
 *   <li>{@code active_users} and {@code active_sessions} (distinct in the minute);</li>
 *   <li>per page and vital: {@code web_vital_p75} (label {@code vital}; ms, CLS unitless).</li>
 * </ul>
 * Rates are per second over the minute, so they read the same as Prometheus' {@code rate()}.
 */
public abstract class PublishMetrics<T> implements FlatMapFunction<T, MetricEvent> {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE = "stats-job";
    private static final long MINUTE = 60_000;

    private final MetricTime time;

    PublishMetrics(MetricTime time) {
        this.time = time;
    }

    public static PublishMetrics<EndpointMinute> endpoints(MetricTime time) {
        return new PublishMetrics<>(time) {
            @Override
            public void flatMap(EndpointMinute row, Collector<MetricEvent> out) {
                long ts = timestamp(row.minute());
                Map<String, String> labels = Map.of("endpoint", row.endpoint());
                out.collect(new MetricEvent(ts, SOURCE, "api_response_time", row.p95Ms(), labels));
                out.collect(new MetricEvent(ts, SOURCE, "error_rate", row.errorRate(), labels));
                out.collect(new MetricEvent(ts, SOURCE, "api_response_time_p50", row.p50Ms(), labels));
                out.collect(new MetricEvent(ts, SOURCE, "api_response_time_p99", row.p99Ms(), labels));
                out.collect(new MetricEvent(ts, SOURCE, "api_requests_per_second", row.calls() / 60.0, labels));
            }
        };
    }

    public static PublishMetrics<ModelMinute> models(MetricTime time) {
        return new PublishMetrics<>(time) {
            @Override
            public void flatMap(ModelMinute row, Collector<MetricEvent> out) {
                long ts = timestamp(row.minute());
                out.collect(new MetricEvent(ts, SOURCE, "model_calls_per_second", row.calls() / 60.0, Map.of("model", row.model())));
                out.collect(new MetricEvent(ts, SOURCE, "model_tokens_per_second", row.promptTokens() / 60.0,
                        Map.of("model", row.model(), "kind", "prompt")));
                out.collect(new MetricEvent(ts, SOURCE, "model_tokens_per_second", row.completionTokens() / 60.0,
                        Map.of("model", row.model(), "kind", "completion")));
                out.collect(new MetricEvent(ts, SOURCE, "model_cost_per_minute", row.cost(), Map.of("model", row.model())));
            }
        };
    }

    public static PublishMetrics<ActivityMinute> activity(MetricTime time) {
        return new PublishMetrics<>(time) {
            @Override
            public void flatMap(ActivityMinute row, Collector<MetricEvent> out) {
                long ts = timestamp(row.minute());
                out.collect(new MetricEvent(ts, SOURCE, "active_users", row.activeUsers(), Map.of()));
                out.collect(new MetricEvent(ts, SOURCE, "active_sessions", row.activeSessions(), Map.of()));
            }
        };
    }

    public static PublishMetrics<PageVitalMinute> vitals(MetricTime time) {
        return new PublishMetrics<>(time) {
            @Override
            public void flatMap(PageVitalMinute row, Collector<MetricEvent> out) {
                out.collect(new MetricEvent(timestamp(row.minute()), SOURCE, "web_vital_p75", row.p75(),
                        Map.of("page", row.page(), "vital", row.name())));
            }
        };
    }

    /** The metric's time: the window's end, or now when the job publishes for live alerting (see {@link MetricTime}). */
    long timestamp(long minute) {
        long windowEnd = minute + MINUTE;
        return time == MetricTime.WINDOW_END ? windowEnd : Math.max(windowEnd, System.currentTimeMillis());
    }
}

package io.hubwatch.jobs.stats;

import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.stats.Rollups.ActivityMinute;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import io.hubwatch.jobs.stats.Rollups.ModelMinute;
import io.hubwatch.jobs.stats.Rollups.PageVitalMinute;
import io.hubwatch.jobs.stats.internal.PublishMetrics;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Every rollup becomes metrics the dashboards and rules read, stamped at the end of its minute. */
class PublishMetricsTest {
    private static final long MINUTE = 1_764_547_200_000L;

    private static <T> List<MetricEvent> run(FlatMapFunction<T, MetricEvent> f, T row) throws Exception {
        List<MetricEvent> out = new ArrayList<>();
        f.flatMap(row, new Collector<>() {
            @Override
            public void collect(MetricEvent record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        assertThat(out).allSatisfy(m -> {
            assertThat(m.timestamp()).isEqualTo(MINUTE + 60_000);
            assertThat(m.source()).isEqualTo("stats-job");
            assertThat(m.problems()).isEmpty();
        });
        return out;
    }

    @Test
    void endpointMinutes() throws Exception {
        List<MetricEvent> m = run(PublishMetrics.endpoints(MetricTime.WINDOW_END),
                new EndpointMinute(MINUTE, "/v1/chat", 120, 6, 5.0, 40, 180, 400));
        assertThat(m).extracting(MetricEvent::metric, MetricEvent::value).containsExactlyInAnyOrder(
                tuple("api_response_time", 180.0), tuple("error_rate", 5.0), tuple("api_response_time_p50", 40.0),
                tuple("api_response_time_p99", 400.0), tuple("api_requests_per_second", 2.0));
        assertThat(m).allSatisfy(e -> assertThat(e.labels()).containsEntry("endpoint", "/v1/chat"));
    }

    @Test
    void modelActivityAndVitalMinutes() throws Exception {
        assertThat(run(PublishMetrics.models(MetricTime.WINDOW_END), new ModelMinute(MINUTE, "gpt-x", 30, 600, 1200, 0.42)))
                .extracting(MetricEvent::metric, e -> e.labels().get("kind"), MetricEvent::value).containsExactlyInAnyOrder(
                        tuple("model_calls_per_second", null, 0.5), tuple("model_tokens_per_second", "prompt", 10.0),
                        tuple("model_tokens_per_second", "completion", 20.0), tuple("model_cost_per_minute", null, 0.42));
        assertThat(run(PublishMetrics.activity(MetricTime.WINDOW_END), new ActivityMinute(MINUTE, 7, 9)))
                .extracting(MetricEvent::metric, MetricEvent::value)
                .containsExactly(tuple("active_users", 7.0), tuple("active_sessions", 9.0));
        assertThat(run(PublishMetrics.vitals(MetricTime.WINDOW_END), new PageVitalMinute(MINUTE, "/home", "LCP", 50, 2100)))
                .singleElement().satisfies(e -> assertThat(e.labels()).containsEntry("page", "/home").containsEntry("vital", "LCP"));
    }
}

package io.hubwatch.jobs.stats;

import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;
import io.hubwatch.jobs.alerting.AlertJob;
import io.hubwatch.jobs.stats.Rollups.ActivityMinute;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import io.hubwatch.jobs.stats.Rollups.ModelMinute;
import io.hubwatch.jobs.stats.Rollups.PageVitalMinute;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The statistics pipeline on a real MiniCluster over bounded, event-timed input: its numbers against the exact numbers
 * of the same raw events, and the default rules firing on what it publishes (the alert job's own pipeline, downstream).
 */
class BusinessStatsJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
    private static final List<String> MODELS = List.of("gpt-4o", "claude-3-5-sonnet", "llama-3-70b");

    /** {@code perMinute} calls a minute for {@code minutes} minutes; a share {@code errorShare} fails with 503. */
    static List<ApiCallEvent> workload(long seed, String endpoint, int minutes, int perMinute, double errorShare,
                                       double medianMs, double sigma) {
        Random random = new Random(seed);
        List<ApiCallEvent> calls = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            int errors = (int) Math.round(perMinute * errorShare);
            for (int i = 0; i < perMinute; i++) {
                long t = T0 + m * 60_000L + (long) i * 60_000 / perMinute;
                double latency = medianMs * Math.exp(sigma * random.nextGaussian());
                int status = i < errors ? 503 : 200;
                double cost = Math.round(random.nextDouble() * 100_000) / 10_000_000.0; // e.g. 0.0034567
                calls.add(new ApiCallEvent(t, endpoint, "POST", status, latency, "u-" + random.nextInt(50),
                        "s-" + random.nextInt(80), MODELS.get(random.nextInt(MODELS.size())), 100 + random.nextInt(900),
                        random.nextInt(2000), cost));
            }
        }
        return calls;
    }

    private record Run(StreamExecutionEnvironment env, BusinessStatsJob.Pipeline pipeline) {}

    private static Run pipeline(List<ApiCallEvent> calls, List<WebVitalEvent> vitals) {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        // in time order, as a gateway would publish them; out-of-order input beyond 5 s would be late
        ApiCallEvent[] inOrder = calls.stream().sorted(java.util.Comparator.comparingLong(ApiCallEvent::timestamp))
                .toArray(ApiCallEvent[]::new);
        DataStream<ApiCallEvent> callStream = env.fromData(ApiCallEvent.class, inOrder)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<ApiCallEvent>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                        .withTimestampAssigner((e, t) -> e.timestamp()));
        List<WebVitalEvent> someVitals = vitals.isEmpty()
                ? List.of(new WebVitalEvent(T0, "/", "TTFB", 1, null, null, null, null)) : vitals;
        DataStream<WebVitalEvent> vitalStream = env.fromData(WebVitalEvent.class, someVitals.toArray(WebVitalEvent[]::new))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<WebVitalEvent>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                        .withTimestampAssigner((e, t) -> e.timestamp()));
        DataStream<MetricEvent> metrics = env.fromData(MetricEvent.class, MetricEvent.of(T0, "web-1", "cpu_usage", 10))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<MetricEvent>forMonotonousTimestamps()
                        .withTimestampAssigner((e, t) -> e.timestamp()));
        return new Run(env, new BusinessStatsJob(MetricTime.WINDOW_END).build(callStream, vitalStream, metrics));
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> out = new ArrayList<>();
        stream.executeAndCollect().forEachRemaining(out::add);
        return out;
    }

    @Test
    void percentilesAgreeWithinOnePercentAndErrorRatesCountsAndCostsExactly() throws Exception {
        List<ApiCallEvent> calls = new ArrayList<>(workload(1, "/v1/chat/completions", 3, 4_000, 0.07, 900, 1.0));
        calls.addAll(workload(2, "/v1/embeddings", 3, 1_500, 0.01, 60, 0.6));
        List<EndpointMinute> rows = collect(pipeline(calls, List.of()).pipeline().endpoints());

        Map<String, List<ApiCallEvent>> byKey = calls.stream().collect(Collectors.groupingBy(
                c -> c.endpoint() + "@" + (c.timestamp() / 60_000 * 60_000)));
        assertThat(rows).hasSize(6);
        for (EndpointMinute row : rows) {
            List<ApiCallEvent> raw = byKey.get(row.endpoint() + "@" + row.minute());
            double[] latencies = raw.stream().mapToDouble(ApiCallEvent::latencyMs).sorted().toArray();
            long errors = raw.stream().filter(ApiCallEvent::isError).count();
            assertThat(row.calls()).isEqualTo(raw.size());
            assertThat(row.errors()).isEqualTo(errors);
            assertThat(row.errorRate()).isEqualTo(100.0 * errors / raw.size());
            for (double[] q : new double[][] {{0.50, row.p50Ms()}, {0.95, row.p95Ms()}, {0.99, row.p99Ms()}}) {
                double exact = LatencySketchTest.exact(latencies, q[0]);
                assertThat(q[1]).as("p%s of %s", q[0] * 100, row.endpoint()).isCloseTo(exact, within(exact * 0.01));
            }
        }
    }

    @Test
    void perModelCallsTokensAndCostsAndActiveUsersMatchTheRawEventsExactly() throws Exception {
        List<ApiCallEvent> calls = workload(3, "/v1/chat/completions", 2, 3_000, 0.02, 500, 0.8);
        Run run = pipeline(calls, List.of());
        List<ModelMinute> models = new ArrayList<>();
        List<ActivityMinute> activity = new ArrayList<>();
        run.pipeline().models().executeAndCollect().forEachRemaining(models::add);
        run.pipeline().activity().executeAndCollect().forEachRemaining(activity::add);

        assertThat(models).hasSize(2 * MODELS.size());
        for (ModelMinute row : models) {
            List<ApiCallEvent> raw = calls.stream().filter(c -> c.model().equals(row.model())
                    && c.timestamp() / 60_000 * 60_000 == row.minute()).toList();
            BigDecimal cost = raw.stream().map(c -> BigDecimal.valueOf(c.cost())).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(row.calls()).isEqualTo(raw.size());
            assertThat(row.promptTokens()).isEqualTo(raw.stream().mapToLong(ApiCallEvent::promptTokens).sum());
            assertThat(row.completionTokens()).isEqualTo(raw.stream().mapToLong(ApiCallEvent::completionTokens).sum());
            assertThat(row.cost()).isEqualTo(cost.doubleValue());
        }
        assertThat(activity).hasSize(2).allSatisfy(a -> {
            List<ApiCallEvent> raw = calls.stream().filter(c -> c.timestamp() / 60_000 * 60_000 == a.minute()).toList();
            assertThat(a.activeUsers()).isEqualTo(raw.stream().map(ApiCallEvent::userId).distinct().count());
            assertThat(a.activeSessions()).isEqualTo(raw.stream().map(ApiCallEvent::sessionId).distinct().count());
        });
    }

    @Test
    void theP75OfEachWebVitalPerPageAgreesWithinOnePercent() throws Exception {
        Random random = new Random(5);
        List<WebVitalEvent> vitals = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            vitals.add(new WebVitalEvent(T0 + i * 25L, i % 2 == 0 ? "/" : "/checkout", i % 3 == 0 ? "CLS" : "LCP",
                    i % 3 == 0 ? random.nextDouble() * 0.3 : 800 + random.nextDouble() * 3_000, "b", null, null, null));
        }
        List<PageVitalMinute> rows = collect(pipeline(workload(4, "/a", 1, 10, 0, 10, 0.1), vitals).pipeline().vitals());

        Map<String, double[]> exact = new TreeMap<>();
        vitals.stream().collect(Collectors.groupingBy(v -> v.page() + "|" + v.name() + "@" + (v.timestamp() / 60_000 * 60_000)))
                .forEach((k, v) -> exact.put(k, v.stream().mapToDouble(WebVitalEvent::value).sorted().toArray()));
        assertThat(rows).hasSize(exact.size());
        for (PageVitalMinute row : rows) {
            double[] sorted = exact.get(row.page() + "|" + row.name() + "@" + row.minute());
            double p75 = LatencySketchTest.exact(sorted, 0.75);
            assertThat(row.samples()).isEqualTo(sorted.length);
            assertThat(row.p75()).as("%s %s", row.page(), row.name()).isCloseTo(p75, within(p75 * 0.01));
        }
    }

    private static List<Incident> alerts(List<ApiCallEvent> calls, String ruleId) throws Exception {
        Run run = pipeline(calls, List.of());
        RuleSet rule = new RuleSet(List.of(RuleSet.defaults().find(ruleId).orElseThrow()));
        return collect(new AlertJob(rule, Duration.ofSeconds(5)).build(run.pipeline().published()).incidents());
    }

    @Test
    void aSixPercentErrorWorkloadForThreeMinutesFiresHighErrorRate() throws Exception {
        List<ApiCallEvent> calls = workload(6, "/v1/chat/completions", 3, 1_000, 0.06, 300, 0.5);

        List<Incident> incidents = alerts(calls, "high_error_rate");

        assertThat(incidents).filteredOn(i -> i.status() == IncidentStatus.FIRING).singleElement().satisfies(i -> {
            assertThat(i.labels()).containsEntry("endpoint", "/v1/chat/completions");
            assertThat(i.value()).isEqualTo(6.0);
            assertThat(i.startsAt()).as("the third minute's sample, two minutes after the first")
                    .isEqualTo(Instant.ofEpochMilli(T0 + 180_000));
        });
    }

    @Test
    void twoMinutesOfFourPercentErrorsDoNotFireHighErrorRate() throws Exception {
        List<Incident> incidents = alerts(workload(7, "/v1/chat/completions", 4, 1_000, 0.04, 300, 0.5), "high_error_rate");

        assertThat(incidents).isEmpty();
    }

    @Test
    void aP95AboveFiveSecondsHeldForAMinuteFiresCriticalResponseTime() throws Exception {
        // 10 % of calls take 6-7 s, so the p95 is above 5,000 ms in minute 0 and still in minute 1
        Random random = new Random(8);
        List<ApiCallEvent> calls = new ArrayList<>();
        for (ApiCallEvent c : workload(9, "/v1/images", 2, 1_000, 0, 400, 0.3)) {
            double latency = random.nextDouble() < 0.10 ? 6_000 + random.nextDouble() * 1_000 : c.latencyMs();
            calls.add(new ApiCallEvent(c.timestamp(), c.endpoint(), c.method(), c.status(), latency, c.userId(),
                    c.sessionId(), c.model(), c.promptTokens(), c.completionTokens(), c.cost()));
        }

        List<Incident> incidents = alerts(calls, "critical_response_time");

        assertThat(incidents).filteredOn(i -> i.status() == IncidentStatus.FIRING).singleElement().satisfies(i -> {
            assertThat(i.labels()).containsEntry("endpoint", "/v1/images");
            assertThat(i.value()).isGreaterThan(5_000);
            assertThat(i.startsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 120_000));
        });
    }
}

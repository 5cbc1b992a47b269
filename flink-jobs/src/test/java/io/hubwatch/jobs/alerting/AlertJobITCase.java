package io.hubwatch.jobs.alerting;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Severity;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert pipeline on a real MiniCluster over bounded, event-timed input: Prometheus {@code for} semantics.
 * The input comes in time order, as live data does, with a watermark after every sample (timers are the watermark's
 * only job, and this makes them fire exactly where the data says). The bounded source ends with a final watermark, so
 * every pending timer fires at the end of each run.
 */
class AlertJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
    private static final long STEP = 10_000;

    /** Samples every 10 s from minute {@code from} (inclusive) to minute {@code to} (exclusive). */
    private static List<MetricEvent> series(String host, double fromMin, double toMin, LongToDoubleFunction value) {
        List<MetricEvent> events = new ArrayList<>();
        for (long t = (long) (fromMin * 60_000); t < toMin * 60_000; t += STEP) {
            events.add(MetricEvent.of(T0 + t, host, "cpu_usage", value.applyAsDouble(t)));
        }
        return events;
    }

    /**
     * Runs the pipeline as {@link AlertJob#wire} runs it (object reuse on: chained operators hand records on without
     * copying) and with Flink's default (copies), and checks that both give the same incidents.
     */
    private static List<Incident> run(RuleSet rules, List<MetricEvent> events) throws Exception {
        List<Incident> reused = run(rules, events, true);
        // the lifecycle's facts; muting marks (inhibition) depend on which series' incident reaches the muting stage
        // first, which parallel subtasks do not fix
        java.util.function.Function<Incident, String> facts = i -> i.id() + " " + i.status() + " " + i.startsAt() + " "
                + i.endsAt() + " " + i.value() + " " + i.labels();
        assertThat(run(rules, events, false)).as("the same incidents without object reuse").map(facts)
                .containsExactlyInAnyOrderElementsOf(reused.stream().map(facts).toList());
        return reused;
    }

    private static List<Incident> run(RuleSet rules, List<MetricEvent> events, boolean objectReuse) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        if (objectReuse) {
            env.getConfig().enableObjectReuse();
        }
        List<MetricEvent> inOrder = events.stream().sorted(java.util.Comparator.comparingLong(MetricEvent::timestamp)).toList();
        var input = env.fromData(MetricEvent.class, inOrder.toArray(MetricEvent[]::new))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<MetricEvent>forGenerator(ctx -> new WatermarkGenerator<>() {
                    @Override
                    public void onEvent(MetricEvent e, long t, WatermarkOutput out) {
                        out.emitWatermark(new Watermark(t - 1));
                    }

                    @Override
                    public void onPeriodicEmit(WatermarkOutput out) {}
                }).withTimestampAssigner((e, t) -> e.timestamp()))
                .setParallelism(1); // one reader in time order, as a Kafka partition keeps a series in order
        List<Incident> out = new ArrayList<>();
        new AlertJob(rules).build(input).incidents().executeAndCollect().forEachRemaining(out::add);
        return out;
    }

    private static RuleSet highCpuOnly() {
        return new RuleSet(List.of(RuleSet.defaults().find("high_cpu_usage").orElseThrow()));
    }

    @Test
    void aBreachHeldForFiveMinutesFiresOnceAndRecoveryResolvesIt() throws Exception {
        List<MetricEvent> events = series("web-1", 0, 6, t -> 90);
        events.addAll(series("web-1", 6, 7, t -> 50));

        List<Incident> incidents = run(highCpuOnly(), events);

        assertThat(incidents).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
        assertThat(incidents.get(0).startsAt()).as("fires on the first sample 5m after the first breach")
                .isEqualTo(Instant.ofEpochMilli(T0 + 300_000));
        assertThat(incidents.get(0).severity()).isEqualTo(Severity.WARNING);
        assertThat(incidents.get(1).endsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 360_000));
    }

    @Test
    void oneSampleBelowTheThresholdAtMinuteThreeResetsTheDuration() throws Exception {
        List<MetricEvent> events = series("web-1", 0, 6, t -> t == 180_000 ? 70 : 90);
        events.addAll(series("web-1", 6, 7, t -> 50));

        assertThat(run(highCpuOnly(), events)).isEmpty();
    }

    @Test
    void aBreachThatGoesOnFiresOnlyOnce() throws Exception {
        assertThat(run(highCpuOnly(), series("web-1", 0, 20, t -> 90))).singleElement()
                .extracting(Incident::status).isEqualTo(IncidentStatus.FIRING);
    }

    @Test
    void eachSeriesHasItsOwnEpisode() throws Exception {
        List<MetricEvent> events = series("web-1", 0, 6, t -> 90);
        events.addAll(series("web-2", 0, 6, t -> 90));
        events.addAll(series("web-3", 0, 6, t -> 10));

        List<Incident> incidents = run(highCpuOnly(), events);

        assertThat(incidents).extracting(i -> i.labels().get("host")).containsExactlyInAnyOrder("web-1", "web-2");
        assertThat(incidents).extracting(Incident::fingerprint).doesNotHaveDuplicates();
    }

    @Test
    void theDefaultRulesFireTheCriticalRuleSoonerThanTheWarning() throws Exception {
        List<Incident> incidents = run(RuleSet.defaults(), series("web-1", 0, 6, t -> 99));

        assertThat(incidents).extracting(Incident::ruleId, i -> i.startsAt().toEpochMilli() - T0)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("critical_cpu_usage", 120_000L),
                        org.assertj.core.groups.Tuple.tuple("high_cpu_usage", 300_000L));
    }

    @Test
    void aRuleWithoutForFiresOnItsFirstSample() throws Exception {
        RuleSet instant = RuleFiles.parse("rules: [{id: any_cpu, metric: cpu_usage, op: '>=', threshold: 0, "
                + "severity: info}]", "test");

        List<Incident> incidents = run(instant, series("web-1", 0, 1, t -> 5));

        assertThat(incidents).singleElement().extracting(i -> i.startsAt().toEpochMilli()).isEqualTo(T0);
    }

    @Test
    void matchersAndOtherMetricsAreRespected() throws Exception {
        RuleSet rules = RuleFiles.parse("rules: [{id: web_only, metric: cpu_usage, op: '>', threshold: 80, for: 1m, "
                + "severity: info, matchers: ['host=~\"web-.*\"'], labels: {team: web}}]", "test");
        List<MetricEvent> events = series("web-1", 0, 2, t -> 90);
        events.addAll(series("db-1", 0, 2, t -> 90));
        events.add(MetricEvent.of(T0, "web-1", "memory_usage", 99));

        List<Incident> incidents = run(rules, events);

        assertThat(incidents).singleElement().satisfies(i -> {
            assertThat(i.labels()).containsEntry("host", "web-1").containsEntry("team", "web");
        });
    }

    // ---- the lifecycle features, each in its own event-time run ----

    private static RuleSet rule(String yaml) throws Exception {
        return RuleFiles.parse("rules: [" + yaml + "]", "test");
    }

    @Test
    void keepFiringForHoldsTheEpisodeThroughAShortRecovery() throws Exception {
        RuleSet rules = rule("{id: hot, metric: cpu_usage, op: '>', threshold: 80, for: 1m, severity: warning, keep_firing_for: 2m}");
        List<MetricEvent> events = series("web-1", 0, 2, t -> 90);      // fires at 1m
        events.addAll(series("web-1", 2, 3, t -> 50));                  // recovers for 1m: still firing
        events.addAll(series("web-1", 3, 4, t -> 90));                  // breaches again: the countdown is cancelled
        events.addAll(series("web-1", 4, 8, t -> 50));                  // recovered at 4m: resolves at 6m

        List<Incident> incidents = run(rules, events);

        assertThat(incidents).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
        assertThat(incidents.get(1).endsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 360_000));
    }

    @Test
    void aRecoveryThresholdResolvesOnlyBelowIt() throws Exception {
        RuleSet rules = rule("{id: hot, metric: cpu_usage, op: '>', threshold: 80, for: 1m, severity: warning, recovery_threshold: 75}");
        List<MetricEvent> events = series("web-1", 0, 2, t -> 90);      // fires at 1m
        events.addAll(series("web-1", 2, 4, t -> 78));                  // below 80, above 75: stays firing
        events.addAll(series("web-1", 4, 5, t -> 70));                  // below 75: resolves at 4m

        List<Incident> incidents = run(rules, events);

        assertThat(incidents).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
        assertThat(incidents.get(1).endsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 240_000));
        assertThat(incidents.get(1).value()).isEqualTo(70.0);
    }

    @Test
    void aSilentSeriesRaisesNoData() throws Exception {
        // (that its return resolves it is in AlertLifecycleTest: which comes first, a timer or a sample of another
        // series, depends here on when the control sources' watermarks arrive)
        RuleSet rules = rule("{id: watch, metric: cpu_usage, op: '>', threshold: 80, for: 1m, severity: warning, absent_for: 2m}");
        List<MetricEvent> events = series("web-1", 0, 1, t -> 10);      // last sample at 50s
        events.addAll(series("web-2", 0, 10, t -> 10));                 // another host keeps time moving

        List<Incident> incidents = run(rules, events).stream().filter(i -> i.labels().get("host").equals("web-1")).toList();

        assertThat(incidents).singleElement().satisfies(i -> {
            assertThat(i.labels()).containsEntry("alertstate", "nodata");
            assertThat(i.status()).isEqualTo(IncidentStatus.FIRING);
            assertThat(i.startsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 50_000 + 120_000));
        });
    }

    @Test
    void aSeriesOscillatingAroundTheThresholdForAnHourGivesAtMostOneFiringAndOneResolved() throws Exception {
        RuleSet rules = rule("{id: edge, metric: cpu_usage, op: '>', threshold: 80, severity: warning}");
        // every sample alternates 84 / 76 (±5% around 80) for one hour, then it settles below
        List<MetricEvent> events = series("web-1", 0, 60, t -> (t / STEP) % 2 == 0 ? 84 : 76);
        events.addAll(series("web-1", 60, 75, t -> 60));

        List<Incident> incidents = run(rules, events);

        assertThat(incidents).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
    }
}

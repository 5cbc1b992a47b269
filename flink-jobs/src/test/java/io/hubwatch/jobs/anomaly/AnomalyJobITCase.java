package io.hubwatch.jobs.anomaly;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.anomaly.detector.Detection;
import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.jobs.anomaly.detector.SeriesDetector;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The job on a MiniCluster over a bounded stream raises exactly the episodes the bare detector finds: backtest == job. */
class AnomalyJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void theJobFiresExactlyWhereTheDetectorDoesForEverySeries() throws Exception {
        List<MetricEvent> events = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Random r = new Random(s);
            SeriesDetector d = new SeriesDetector(DetectorConfig.defaults());
            for (int i = 0; i < 1500; i++) {
                long t = 1_700_000_000_000L + i * 60_000L;
                double v = 100 + 20 * Math.sin(2 * Math.PI * i / (60 + 10 * s)) + 2 * r.nextGaussian()
                        + (i == 1000 + 100 * s ? 60 : 0) + (s == 2 && i >= 1300 ? 30 : 0);
                MetricEvent e = MetricEvent.of(t, "host-" + s, "requests", v);
                events.add(e);
                if (d.observe(t, v).transition() == Detection.Transition.FIRE) {
                    expected.add(t);
                }
            }
        }
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        List<Incident> out = new ArrayList<>();
        new AnomalyJob(List.of(), DetectorConfig.defaults()).historyHorizon(Duration.ZERO)   // 2023 data, scored as live
                .build(env.fromData(events).setParallelism(1).assignTimestampsAndWatermarks(
                        WatermarkStrategy.<MetricEvent>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                                .withTimestampAssigner((e, ts) -> e.timestamp())))
                .executeAndCollect().forEachRemaining(out::add);

        List<Long> fired = out.stream().filter(i -> i.status() == IncidentStatus.FIRING)
                .map(i -> i.startsAt().toEpochMilli()).sorted().toList();
        assertThat(expected).isNotEmpty();
        assertThat(fired).isEqualTo(expected.stream().sorted().toList());
    }
}

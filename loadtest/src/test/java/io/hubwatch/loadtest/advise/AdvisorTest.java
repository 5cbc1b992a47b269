package io.hubwatch.loadtest.advise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Flink and host rules, on metric lines as Flink's Prometheus reporter names them. */
class AdvisorTest {

    @Test
    void slowCheckpointsBackPressureAndLagAreNamedWithTheirSeries() {
        String text = """
                # HELP flink_jobmanager_job_lastCheckpointDuration lastCheckpointDuration (scope: jobmanager_job)
                # TYPE flink_jobmanager_job_lastCheckpointDuration gauge
                flink_jobmanager_job_lastCheckpointDuration{job_name="hubwatch-alert-job",} 23000.0
                flink_jobmanager_job_numberOfFailedCheckpoints{job_name="hubwatch-alert-job",} 0.0
                flink_taskmanager_job_task_backPressuredTimeMsPerSecond{task_name="rules",} 640.0
                flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max{topic="metrics",} 52000.0
                flink_taskmanager_job_task_operator_currentEmitEventTimeLag{operator_name="source",} NaN
                """;
        List<Recommendation> out = new ArrayList<>();

        Advisor.flink(text, out);

        assertThat(out).extracting(Recommendation::title).containsExactly("Flink: checkpoints take 23.0 s",
                "Flink: a task is back-pressured 64 % of the time",
                "Flink: the alert engine is 52000 records behind Kafka");
        assertThat(out.get(1).evidence()).singleElement().asString().contains("task_name=\"rules\"");
    }

    @Test
    void aHealthyJobAndMissingMetricsAreSaidToo() {
        List<Recommendation> healthy = new ArrayList<>();
        Advisor.flink("flink_jobmanager_job_lastCheckpointDuration{job_name=\"a\",} 120.0\n", healthy);
        assertThat(healthy).singleElement().extracting(Recommendation::title)
                .isEqualTo("Flink: checkpoints, back-pressure and lag are healthy");

        List<Recommendation> none = new ArrayList<>();
        Advisor.flink("jvm_memory_used_bytes 1.0\n", none);
        assertThat(none).singleElement().extracting(Recommendation::title).asString().contains("no checkpoint");
    }

    @Test
    void aSaturatedHostIsPriorityOne() {
        List<Recommendation> out = new ArrayList<>();
        Advisor.host(new Advisor.Host(2, 0.97, 30.0, 0.5), out);
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.priority()).isEqualTo(1);
            assertThat(r.title()).isEqualTo("The host is CPU-saturated");
            assertThat(r.evidence().get(0)).contains("load average 30.00 (15.0 per core)");
        });
    }
}

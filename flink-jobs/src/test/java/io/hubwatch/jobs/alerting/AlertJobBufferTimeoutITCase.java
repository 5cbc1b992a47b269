package io.hubwatch.jobs.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The network-buffer timeout the alert job is wired with (it needs a broker: wiring creates the control topics). */
@ExtendWith(KafkaBrokerExtension.class)
class AlertJobBufferTimeoutITCase {

    @Test
    void aRecordWaitsAtMostFiveMillisecondsInAnOutputBuffer(EmbeddedKafka kafka) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        AlertJob.wire(env, AlertJobConfig.defaults(kafka.bootstrapServers()), RuleSet.defaults());
        // A record waits in an output buffer until the periodic flush, U(0, timeout), at each of the rule path's four
        // exchanges: Flink's 100 ms cost ~150 ms of a for: 0s alert's latency, 5 ms ~10 ms, 1 ms ~2 ms (the hop
        // "metric -> incident readable" in benchmarks/results/alert-latency.md); but 1 ms cost 13-21 % more CPU per
        // event in catch-up (benchmarks/results/alert-throughput.md) and ~0.1 core more in an idle `up`.
        assertThat(env.getBufferTimeout()).isEqualTo(5L);
    }

    @Test
    void aTimeoutSetInTheConfigurationIsKept(EmbeddedKafka kafka) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        AlertJob.wire(env, AlertJobConfig.defaults(kafka.bootstrapServers()), RuleSet.defaults());
        assertThat(env.getBufferTimeout()).isEqualTo(100L);
        assertThat(timeoutsOutOf(env.getStreamGraph(), "metrics-source")).containsOnly(100L);
    }

    @Test
    void recordsLeaveRuleEvaluationCepAndTheLifecycleAtOnce(EmbeddedKafka kafka) {
        // Past rule evaluation the rule path carries only what starts, completes or breaks a run, and alert changes:
        // a record there would wait the whole timeout for company; it is flushed as it is written (0 ms) instead. Only
        // the first exchange, every event keyed by series, keeps the timeout.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        AlertJob.wire(env, AlertJobConfig.defaults(kafka.bootstrapServers()), RuleSet.defaults());
        StreamGraph graph = env.getStreamGraph();
        assertThat(timeoutsOutOf(graph, "metrics-source")).containsOnly(5L);
        for (String thin : List.of("evaluate-rules", "held-for-cep", "alert-lifecycle", "parse-anomaly-incidents")) {
            assertThat(timeoutsOutOf(graph, thin)).as(thin).isNotEmpty().containsOnly(0L);
        }
    }

    /** The buffer timeouts of the edges leaving the node with this uid. */
    private static List<Long> timeoutsOutOf(StreamGraph graph, String uid) {
        StreamNode node = graph.getStreamNodes().stream().filter(n -> uid.equals(n.getTransformationUID()))
                .findFirst().orElseThrow(() -> new AssertionError("no node with uid " + uid));
        return node.getOutEdges().stream().map(StreamEdge::getBufferTimeout).toList();
    }
}

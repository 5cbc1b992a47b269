package io.hubwatch.sink.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.testing.PrometheusServer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink in a Flink job writing to a real Prometheus' remote-write receiver, read back with PromQL. */
class RemoteWriteSinkITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(new Configuration()).build());

    @TempDir
    static Path tmp;
    static PrometheusServer prometheus;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prometheus = PrometheusServer.start(tmp, List.of());
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void aJobsSamplesArriveInPrometheusInBatchesAndAStaleMarkerEndsTheirSeries() throws Exception {
        long now = System.currentTimeMillis() - 60_000;
        List<PrometheusSample> samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {   // 30 samples of 5 series, one second apart: batches of 7 split them
            samples.add(PrometheusSample.of("hubwatch_it_value", Map.of("series", "s" + (i % 5)), i, now + i * 1000L));
        }
        samples.add(PrometheusSample.of("hubwatch_it_gone", Map.of("host", "a"), 1, now));
        samples.add(PrometheusSample.of("hubwatch_it_gone", Map.of("host", "a"), 1, now).stale(now + 2_000));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(samples)
                .sinkTo(new RemoteWriteSink(RemoteWriteSettings.to(prometheus.remoteWriteUrl())
                        .withMaxBatchSamples(7).withFlushInterval(Duration.ofMillis(200))))
                .name("Samples to Prometheus");
        env.execute("remote-write-it");

        Instant at = Instant.ofEpochMilli(now + 40_000);
        JsonNode series = prometheus.query("hubwatch_it_value", at);
        assertThat(series).hasSize(5);
        JsonNode last = prometheus.query("hubwatch_it_value{series=\"s4\"}", at);
        assertThat(last.get(0).path("value").get(1).asText()).isEqualTo("29");
        assertThat(prometheus.query("count_over_time(hubwatch_it_value[2m])", at))
                .extracting(r -> r.path("value").get(1).asInt()).containsOnly(6);

        assertThat(prometheus.query("hubwatch_it_gone", Instant.ofEpochMilli(now + 1_000))).hasSize(1);
        // within the 5-minute lookback, yet gone: the staleness marker ended the series
        assertThat(prometheus.query("hubwatch_it_gone", Instant.ofEpochMilli(now + 3_000))).isEmpty();
    }
}

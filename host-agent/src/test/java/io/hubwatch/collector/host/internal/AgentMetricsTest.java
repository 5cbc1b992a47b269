package io.hubwatch.collector.host.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class AgentMetricsTest {
    /** A sample line of the text format: name, optional labels, a number. */
    private static final Pattern SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*})? -?[0-9.E]+");

    @Test
    void theScrapeIsPrometheusTextWithTheAgentsAndTheJvmsSeries() {
        KafkaPublisher publisher = new KafkaPublisher("127.0.0.1:1", "metrics", "test", 100, new ProblemLog());
        SampleTimer timer = new SampleTimer();
        timer.record(2_000_000);
        timer.record(4_000_000);
        SamplingLoop loop = new SamplingLoop(new HostSampler("test"), Duration.ofHours(1), events -> {}, new ProblemLog(), timer);
        try {
            String scrape = new AgentMetrics(loop, publisher, timer).scrape();

            for (String line : scrape.split("\n")) {
                assertThat(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || SAMPLE.matcher(line).matches())
                        .as(line).isTrue();
            }
            assertThat(scrape).contains("hubwatch_agent_samples_total 0.0\n", "hubwatch_agent_buffer_capacity_events 100.0\n",
                    "hubwatch_agent_events_dropped_total{reason=\"buffer_full\"} 0.0\n",
                    "hubwatch_agent_sample_duration_seconds_count 2.0\n", "hubwatch_agent_sample_duration_seconds_sum 0.006\n",
                    "hubwatch_agent_sample_duration_seconds_max 0.004\n", "# TYPE hubwatch_agent_samples_total counter\n");
            // the names the dashboards query on every Hubwatch process
            for (String name : List.of("jvm_memory_used_bytes{area=\"heap\"", "jvm_memory_used_bytes{area=\"nonheap\"",
                    "jvm_gc_pause_seconds_sum{", "jvm_threads_live_threads ", "process_cpu_usage ", "process_uptime_seconds ")) {
                assertThat(scrape).contains(name);
            }
            assertThat(new AgentMetrics(loop, publisher, timer).scrape())
                    .as("the max covers the time since the previous scrape").contains("hubwatch_agent_sample_duration_seconds_max 0.0\n");
        } finally {
            loop.stop(Duration.ZERO);
            publisher.close(Duration.ZERO);
        }
    }
}

package io.hubwatch.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessMetricsTest {

    @Test
    void everyProcessExposesJvmAndProcessMetricsInBaseUnitsWithHelp() {
        PrometheusMeterRegistry registry = ProcessMetrics.registry();
        Counter.builder("hubwatch.test.events").description("Events seen").register(registry).increment(3);

        String text = registry.scrape();

        assertThat(text).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads ", "process_uptime_seconds ",
                "process_cpu_usage ", "jvm_classes_loaded_classes ", "jvm_info{");
        assertThat(text).contains("# HELP hubwatch_test_events_total Events seen", "hubwatch_test_events_total 3.0");
    }
}

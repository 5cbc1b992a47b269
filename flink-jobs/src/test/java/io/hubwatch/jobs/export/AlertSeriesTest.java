package io.hubwatch.jobs.export;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Severity;
import io.hubwatch.jobs.export.internal.AlertSeries;
import io.hubwatch.jobs.export.internal.MetricSamples;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.sink.prometheus.PrometheusSample;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertSeriesTest {

    private static Incident incident(IncidentStatus status, Instant startsAt, Map<String, String> annotations) {
        String fp = "fp1";
        return new Incident(Incident.idFor(fp, startsAt, status), "high_cpu", IncidentKind.THRESHOLD, status,
                Severity.WARNING, "cpu_usage", Map.of("alertname", "high_cpu", "host", "web-1"), 93, 80.0, startsAt,
                status == IncidentStatus.RESOLVED ? startsAt.plusSeconds(60) : null, "hot", annotations, fp);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Incident, PrometheusSample> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AlertSeries(Duration.ofSeconds(15))),
                Incident::fingerprint, Types.STRING);
        h.open();
        return h;
    }

    private static List<PrometheusSample> drain(KeyedOneInputStreamOperatorTestHarness<String, Incident, PrometheusSample> h) {
        List<PrometheusSample> out = h.extractOutputValues();
        h.getOutput().clear();
        return out;
    }

    @Test
    void aFiringAlertIsOneUntilItResolvesThenItsSeriesIsMarkedStaleAndNoStateOrTimerIsLeft() throws Exception {
        try (var h = harness()) {
            Instant start = Instant.parse("2026-12-01T10:00:00Z");
            h.setProcessingTime(1_000);
            h.processElement(incident(IncidentStatus.FIRING, start, Map.of()), 0);

            List<PrometheusSample> firing = drain(h);
            assertThat(firing).hasSize(1);
            PrometheusSample s = firing.get(0);
            assertThat(s.name()).isEqualTo("ALERTS");
            assertThat(s.labels()).containsEntry("alertname", "high_cpu").containsEntry("alertstate", "firing")
                    .containsEntry("severity", "warning").containsEntry("kind", "threshold").containsEntry("host", "web-1");
            assertThat(s.value()).isEqualTo(1.0);
            assertThat(s.timestampMs()).isEqualTo(1_000);

            h.setProcessingTime(16_000);   // written again before Prometheus would call it stale
            h.setProcessingTime(31_000);
            assertThat(drain(h)).extracting(PrometheusSample::timestampMs).containsExactly(16_000L, 31_000L);

            h.setProcessingTime(40_000);
            h.processElement(incident(IncidentStatus.RESOLVED, start, Map.of()), 0);
            List<PrometheusSample> resolved = drain(h);
            assertThat(resolved).singleElement().satisfies(r -> {
                assertThat(r.stale()).isTrue();
                assertThat(r.labels()).isEqualTo(s.labels());
                assertThat(r.timestampMs()).isEqualTo(40_000);
            });
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();   // the pending resend fires into nothing and stops
            h.setProcessingTime(100_000);
            assertThat(drain(h)).isEmpty();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void aResolveWithoutAFiringLeavesNothingAndAMutedAlertSaysWhy() throws Exception {
        try (var h = harness()) {
            Instant start = Instant.parse("2026-12-01T10:00:00Z");
            h.processElement(incident(IncidentStatus.RESOLVED, start, Map.of()), 0);
            assertThat(drain(h)).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();

            h.processElement(incident(IncidentStatus.FIRING, start, Map.of("hubwatch_silenced_by", "s1")), 0);
            assertThat(drain(h)).singleElement().satisfies(r -> assertThat(r.labels()).containsEntry("hubwatch_muted", "silenced"));
        }
    }

    @Test
    void metricEventsKeepTheirTimeAndGetLegalNames() {
        PrometheusSample s = MetricSamples.sample(new MetricEvent(5, "web-1", "web.vital-lcp", 2.5, Map.of("page-id", "/")));
        assertThat(s.name()).isEqualTo("web_vital_lcp");
        assertThat(s.labels()).containsEntry("page_id", "/").containsEntry("host", "web-1");
        assertThat(s.timestampMs()).isEqualTo(5);
    }
}

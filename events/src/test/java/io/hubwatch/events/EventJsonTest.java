package io.hubwatch.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventJsonTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void metricEventRoundTrips() throws Exception {
        MetricEvent event = new MetricEvent(1_764_124_800_000L, "web-1", "disk_usage", 91.5, Map.of("mount", "/"));
        assertThat(EventJson.parseMetric(EventJson.toBytes(event))).isEqualTo(event);
    }

    @Test
    void incidentRoundTripsWithIsoTimes() throws Exception {
        Instant start = Instant.parse("2026-11-26T03:00:00Z");
        Incident incident = new Incident(Incident.idFor("0123456789abcdef", start, IncidentStatus.FIRING),
                "high_cpu_usage", IncidentKind.THRESHOLD, IncidentStatus.FIRING, Severity.WARNING, "cpu_usage",
                Map.of("alertname", "high_cpu_usage", "host", "web-1"), 93.1, 80.0, start, null, "hot",
                Map.of(), "0123456789abcdef");
        String text = EventJson.toJson(incident);
        assertThat(text).contains("\"startsAt\":\"2026-11-26T03:00:00Z\"", "\"status\":\"firing\"",
                "\"kind\":\"threshold\"", "\"severity\":\"warning\"");
        assertThat(EventJson.parseIncident(json(text))).isEqualTo(incident);
    }

    @Test
    void malformedJsonIsRefusedWithTheParserReason() {
        assertThatThrownBy(() -> EventJson.parseMetric(json("{\"timestamp\": 1,")))
                .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("malformed JSON");
    }

    @Test
    void missingFieldIsNamed() {
        assertThatThrownBy(() -> EventJson.parseMetric(json("{\"timestamp\":1,\"source\":\"h\",\"value\":1}")))
                .hasMessage("missing required field 'metric'");
    }

    @Test
    void nanAndInfinityAreRefusedByName() {
        assertThatThrownBy(() -> EventJson.parseMetric(json(
                "{\"timestamp\":1,\"source\":\"h\",\"metric\":\"m\",\"value\":NaN}"))).hasMessage("value is NaN");
        assertThatThrownBy(() -> EventJson.parseMetric(json(
                "{\"timestamp\":1,\"source\":\"h\",\"metric\":\"m\",\"value\":\"Infinity\"}"))).hasMessage("value is infinite");
    }

    @Test
    void textValueIsRefused() {
        assertThatThrownBy(() -> EventJson.parseMetric(json(
                "{\"timestamp\":1,\"source\":\"h\",\"metric\":\"m\",\"value\":\"high\"}")))
                .hasMessage("field 'value' must be a number, was \"high\"");
    }

    @Test
    void nonObjectIsRefused() {
        assertThatThrownBy(() -> EventJson.parseMetric(json("[1,2]"))).hasMessage("expected a JSON object, got ARRAY");
        assertThatThrownBy(() -> EventJson.parseMetric(new byte[0])).hasMessage("empty message");
    }

    @Test
    void seriesKeyIsIndependentOfLabelOrder() {
        MetricEvent a = new MetricEvent(1, "h", "m", 1, Map.of("a", "1", "b", "2"));
        MetricEvent b = new MetricEvent(2, "h", "m", 2, Map.of("b", "2", "a", "1"));
        assertThat(a.seriesKey()).isEqualTo(b.seriesKey()).isEqualTo("m{a=\"1\",b=\"2\",host=\"h\"}");
    }

    @Test
    void seriesKeyIsTheRenderedSeriesLabels() {
        for (MetricEvent e : java.util.List.of(
                MetricEvent.of(1, "h", "m", 1),
                new MetricEvent(1, null, "m", 1, Map.of()),
                new MetricEvent(1, null, "m", 1, Map.of("a", "1")),
                new MetricEvent(1, "h", "m", 1, Map.of("a", "1", "z", "2", "hos", "x", "hosts", "y")),
                new MetricEvent(1, "h", "m", 1, Map.of("host", "other", "a", "q\"u\\o")),
                new MetricEvent(1, "web \"1\"", "m", 1, Map.of("Host", "1", "_x", "2")))) {
            assertThat(e.seriesKey()).as(e.toString()).isEqualTo(e.metric() + Labels.render(e.seriesLabels()));
        }
    }

    @Test
    void fingerprintIsStableAndOrderIndependent() {
        assertThat(Labels.fingerprint(Map.of("a", "1", "b", "2"))).isEqualTo(Labels.fingerprint(Map.of("b", "2", "a", "1")))
                .hasSize(16).isNotEqualTo(Labels.fingerprint(Map.of("a", "1", "b", "3")));
    }
}

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

    /**
     * The one-pass parse takes the common shape, and gives up (null) on anything else, which the tree pass then parses
     * or refuses with its own words: for every input the result is what the tree pass alone gives.
     */
    @Test
    void theStreamingParseAgreesWithTheTreeParseOrStandsAside() {
        String ok = "{\"timestamp\":1764124800000,\"source\":\"web-1\",\"metric\":\"cpu_usage\",\"value\":42.5";
        String[] common = {
                ok + "}",
                ok + ",\"labels\":{}}",
                ok + ",\"labels\":{\"mount\":\"/\",\"a\":\"\\\"q\\u00e9\"}}",
                "{\"labels\":{\"z\":\"1\"},\"value\":7,\"metric\":\"m\",\"source\":\"h\",\"timestamp\":5}",
                " {\"timestamp\": 1764124800000, \"source\": \"web-1\", \"metric\": \"up\", \"value\": -1e3} ",
                new String(EventJson.toBytes(new MetricEvent(1_764_124_800_000L, "web-1", "disk_usage", 91.5,
                        Map.of("mount", "/"))), StandardCharsets.UTF_8)};
        for (String in : common) {
            assertThat(EventJson.parseWellFormedMetric(json(in))).as(in).isNotNull();
        }
        String[] other = {
                ok + ",\"labels\":null}", ok + ",\"extra\":1}", ok + ",\"labels\":{\"a\":1}}",
                ok + ",\"labels\":{\"a\":\"1\",\"a\":\"2\"}}", ok + ",\"value\":1}", ok + "} x", ok + "}}",
                ok + ",\"labels\":{\"bad name\":\"1\"}}",
                "{\"timestamp\":1.5,\"source\":\"h\",\"metric\":\"m\",\"value\":1}",
                "{\"timestamp\":99999999999999999999999,\"source\":\"h\",\"metric\":\"m\",\"value\":1}",
                "{\"timestamp\":-5,\"source\":\"h\",\"metric\":\"m\",\"value\":1}",
                "{\"timestamp\":5,\"source\":7,\"metric\":\"m\",\"value\":1}",
                "{\"timestamp\":5,\"source\":\"h\",\"metric\":\"m\",\"value\":\"NaN\"}",
                "{\"timestamp\":5,\"source\":\"h\",\"metric\":\"m\",\"value\":NaN}",
                "{\"timestamp\":5,\"source\":\"h\",\"metric\":\"m\",\"value\":\"7\"}",
                "{\"timestamp\":5,\"source\":\"h\",\"metric\":\"9m\",\"value\":1}",
                "{\"timestamp\":5,\"source\":\"h\",\"value\":1}", "{\"timestamp\":5,", "[1]", "5", "null",
                "{\"timestamp\":5,\"source\":\"h\u0001\",\"metric\":\"m\",\"value\":1}"};
        for (String in : other) {
            assertThat(EventJson.parseWellFormedMetric(json(in))).as(in).isNull();
        }
        for (String in : concat(common, other)) {
            Object tree;
            try {
                tree = EventJson.parseMetricByTree(json(in));
            } catch (InvalidEventException e) {
                tree = e.getMessage();
            }
            Object both;
            try {
                both = EventJson.parseMetric(json(in));
            } catch (InvalidEventException e) {
                both = e.getMessage();
            }
            assertThat(both).as(in).isEqualTo(tree);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
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

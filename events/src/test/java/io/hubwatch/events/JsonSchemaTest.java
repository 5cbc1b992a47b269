package io.hubwatch.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The published schemas describe exactly what the code writes, so a subscriber can rely on them. */
class JsonSchemaTest {

    private static JsonSchema schema(String name) throws Exception {
        try (InputStream in = JsonSchemaTest.class.getResourceAsStream("/schemas/" + name)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    private static Set<ValidationMessage> validate(String schema, Object value) throws Exception {
        JsonNode node = EventJson.mapper().readTree(EventJson.toBytes(value));
        return schema(schema).validate(node);
    }

    @Test
    void metricEventMatchesItsSchema() throws Exception {
        assertThat(validate("metric-event.schema.json",
                new MetricEvent(1_764_124_800_000L, "web-1", "cpu_usage", 12.5, Map.of("cpu", "total")))).isEmpty();
    }

    @Test
    void firingAndResolvedIncidentsMatchTheirSchema() throws Exception {
        Instant start = Instant.parse("2026-11-26T03:00:00Z");
        Incident firing = new Incident("id", "r", IncidentKind.THRESHOLD, IncidentStatus.FIRING, Severity.CRITICAL,
                "cpu_usage", Map.of("alertname", "r"), 99, 95.0, start, null, "s", Map.of(), "0123456789abcdef");
        Incident resolved = new Incident("id", "r", IncidentKind.ANOMALY, IncidentStatus.RESOLVED, Severity.INFO,
                "cpu_usage", Map.of("alertname", "r"), 1, null, start, start.plusSeconds(60), null, Map.of("a", "b"),
                "0123456789abcdef");
        assertThat(validate("incident.schema.json", firing)).isEmpty();
        assertThat(validate("incident.schema.json", resolved)).isEmpty();
    }

    @Test
    void deadLetterMatchesItsSchema() throws Exception {
        assertThat(validate("dead-letter.schema.json",
                new DeadLetter("metrics", "alert-job/parse", "value is NaN", "{}", Instant.now()))).isEmpty();
    }

    @Test
    void schemaRejectsAnIncidentWithoutStatus() throws Exception {
        JsonNode node = EventJson.mapper().readTree("{\"id\":\"x\",\"ruleId\":\"r\",\"kind\":\"threshold\","
                + "\"severity\":\"info\",\"metric\":\"m\",\"labels\":{},\"value\":1,\"startsAt\":\"2026-01-01T00:00:00Z\","
                + "\"fingerprint\":\"0123456789abcdef\"}");
        assertThat(schema("incident.schema.json").validate(node)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("status"));
    }
}

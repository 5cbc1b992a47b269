package io.hubwatch.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API-call and web-vital events: their schemas describe what the code writes, and bad input names its field. */
class WireEventsTest {

    private static JsonNode json(String text) throws Exception {
        return EventJson.mapper().readTree(text);
    }

    private static boolean matchesSchema(String schema, Object value) throws Exception {
        try (InputStream in = WireEventsTest.class.getResourceAsStream("/schemas/" + schema)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in)
                    .validate(EventJson.mapper().readTree(EventJson.toBytes(value))).isEmpty();
        }
    }

    @Test
    void anApiCallRoundTripsAndMatchesItsSchema() throws Exception {
        ApiCallEvent call = new ApiCallEvent(1_764_124_800_000L, "/v1/chat", "POST", 200, 812.5, "u-1", "s-1",
                "gpt-4o", 120, 380, 0.0041);
        assertThat(ApiCallEvent.fromJson(json(EventJson.toJson(call)))).isEqualTo(call);
        assertThat(matchesSchema("api-call-event.schema.json", call)).isTrue();
    }

    @Test
    void aWebVitalRoundTripsAndMatchesItsSchema() throws Exception {
        WebVitalEvent vital = new WebVitalEvent(1_764_124_800_000L, "/checkout", "FETCH", 92, "b-1", "/api/cart", "GET", 200);
        assertThat(WebVitalEvent.fromJson(json(EventJson.toJson(vital)))).isEqualTo(vital);
        assertThat(matchesSchema("web-vital-event.schema.json", vital)).isTrue();
    }

    @Test
    void badApiCallsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> ApiCallEvent.fromJson(json("{\"timestamp\":1,\"endpoint\":\"/a\",\"method\":\"GET\",\"status\":200}")))
                .hasMessage("missing required field 'latencyMs'");
        assertThatThrownBy(() -> ApiCallEvent.fromJson(json(
                "{\"timestamp\":1,\"endpoint\":\"/a\",\"method\":\"GET\",\"status\":200,\"latencyMs\":\"fast\"}")))
                .hasMessageStartingWith("field 'latencyMs' has the wrong type");
        assertThatThrownBy(() -> ApiCallEvent.fromJson(json(
                "{\"timestamp\":1,\"endpoint\":\"/a\",\"method\":\"GET\",\"status\":999,\"latencyMs\":3}")))
                .hasMessageContaining("field 'status' must be an HTTP status 100..599, was 999");
    }

    @Test
    void anUnknownVitalNameIsRefusedNamingTheField() {
        assertThatThrownBy(() -> WebVitalEvent.fromJson(json("{\"timestamp\":1,\"page\":\"/\",\"name\":\"FID\",\"value\":3}")))
                .hasMessageContaining("field 'name' must be one of");
    }
}

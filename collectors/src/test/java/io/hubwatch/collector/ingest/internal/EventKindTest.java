package io.hubwatch.collector.ingest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.InvalidEventException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refusals an outside probe got (issue 11): each names the field, never only Jackson's words about Java types. */
class EventKindTest {

    private static JsonNode json(String text) throws Exception {
        return EventJson.mapper().readTree(text);
    }

    @Test
    void aLabelValueThatIsAnObjectIsRefusedNamingTheLabel() throws Exception {
        JsonNode node = json("{\"timestamp\":1700000000000,\"source\":\"p\",\"metric\":\"m\",\"value\":1,\"labels\":{\"a\":{\"b\":1}}}");
        assertThatThrownBy(() -> EventKind.METRICS.validate(node))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("field 'labels.a' must be a string, was {\"b\":1}");
    }

    @Test
    void aTimestampBeyondALongIsRefusedNamingTheField() throws Exception {
        JsonNode node = json("{\"timestamp\":999999999999999999999999999999,\"source\":\"p\",\"metric\":\"m\",\"value\":1}");
        assertThatThrownBy(() -> EventKind.METRICS.validate(node))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("field 'timestamp' must be an integer (epoch ms), was 999999999999999999999999999999");
    }
}

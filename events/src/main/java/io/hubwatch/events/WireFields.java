package io.hubwatch.events;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.List;

/** Reads a wire record from a JSON object with messages that name the field, for the gateway and the jobs. */
final class WireFields {
    /** 9999-12-31T23:59:59.999Z: later times overflow PostgreSQL's timestamps and most date libraries. */
    static final long MAX_TIMESTAMP_MS = 253_402_300_799_999L;
    private WireFields() {}

    static <T> T read(JsonNode node, List<String> required, Class<T> type) throws InvalidEventException {
        if (node == null || !node.isObject()) {
            throw new InvalidEventException("expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        for (String field : required) {
            if (!node.hasNonNull(field)) {
                throw new InvalidEventException("missing required field '" + field + "'");
            }
        }
        try {
            return EventJson.mapper().treeToValue(node, type);
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? "?" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new InvalidEventException("field '" + field + "' has the wrong type: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidEventException("invalid event: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

package io.hubwatch.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;

/**
 * JSON for every wire type. One configured mapper: ISO-8601 instants, NaN accepted on input so that validation can say
 * "value is NaN" instead of a parser error, unknown fields ignored (newer producers may add fields).
 *
 * <pre>{@code
 * byte[] bytes = EventJson.toBytes(event);
 * MetricEvent back = EventJson.parseMetric(bytes);   // throws InvalidEventException with the reason
 * }</pre>
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private EventJson() {}

    /** The shared mapper, for modules that need more than these helpers. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toJson(Object value) {
        return new String(toBytes(value), StandardCharsets.UTF_8);
    }

    /**
     * Parses and validates a metric event.
     *
     * @throws InvalidEventException naming the problem: malformed JSON, a missing or mistyped field, a non-finite value
     */
    public static MetricEvent parseMetric(byte[] bytes) throws InvalidEventException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("empty message");
        }
        MetricEvent fast = parseWellFormedMetric(bytes);
        return fast != null ? fast : parseMetricByTree(bytes);
    }

    /**
     * The common case in one streaming pass: an object with exactly the event's fields, each of its JSON type, once, and
     * a valid event. Anything else returns null and goes to {@link #parseMetricByTree}, which finds and words the
     * problem, so refusals read as they always did. (The tree pass parsed every event twice, tree then binding: 12 % of
     * the alert job's CPU samples in benchmarks/alert-throughput.sh.)
     */
    static MetricEvent parseWellFormedMetric(byte[] bytes) {
        try (JsonParser p = MAPPER.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            long timestamp = 0;
            String source = null;
            String metric = null;
            double value = 0;
            TreeMap<String, String> labels = null;
            int seen = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                int bit;
                switch (name) {
                    case "timestamp" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                                && p.getNumberType() != JsonParser.NumberType.LONG) {
                            return null;
                        }
                        timestamp = p.getLongValue();
                        bit = 1;
                    }
                    case "source" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        source = p.getText();
                        bit = 2;
                    }
                    case "metric" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        metric = p.getText();
                        bit = 4;
                    }
                    case "value" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                            return null;
                        }
                        value = p.getDoubleValue();
                        bit = 8;
                    }
                    case "labels" -> {
                        if (t != JsonToken.START_OBJECT) {
                            return null;
                        }
                        labels = new TreeMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String label = p.currentName();
                            if (p.nextToken() != JsonToken.VALUE_STRING || labels.put(label, p.getText()) != null) {
                                return null;
                            }
                        }
                        bit = 16;
                    }
                    default -> {
                        return null; // unknown fields are ignored by the tree pass; rare
                    }
                }
                if ((seen & bit) != 0) {
                    return null; // a field twice
                }
                seen |= bit;
            }
            if (t != JsonToken.END_OBJECT || (seen & 15) != 15 || p.nextToken() != null) {
                return null;
            }
            MetricEvent event = new MetricEvent(timestamp, source, metric, value, labels);
            return event.problems().isEmpty() ? event : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Parses and validates a metric event through a JSON tree: every check, every message. */
    static MetricEvent parseMetricByTree(byte[] bytes) throws InvalidEventException {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidEventException("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidEventException("expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        for (String field : List.of("timestamp", "source", "metric", "value")) {
            if (!node.hasNonNull(field)) {
                throw new InvalidEventException("missing required field '" + field + "'");
            }
        }
        if (!node.get("timestamp").isIntegralNumber()) {
            throw new InvalidEventException("field 'timestamp' must be an integer (epoch ms), was " + node.get("timestamp"));
        }
        JsonNode value = node.get("value");
        if (!value.isNumber() && !(value.isTextual() && isNonFiniteWord(value.asText()))) {
            throw new InvalidEventException("field 'value' must be a number, was " + value);
        }
        MetricEvent event;
        try {
            event = MAPPER.treeToValue(node, MetricEvent.class);
        } catch (IOException e) {
            throw new InvalidEventException("invalid metric event: " + firstLine(e.getMessage()));
        }
        List<String> problems = event.problems();
        if (!problems.isEmpty()) {
            throw new InvalidEventException(String.join("; ", problems));
        }
        return event;
    }

    public static Incident parseIncident(byte[] bytes) throws InvalidEventException {
        try {
            return MAPPER.readValue(bytes, Incident.class);
        } catch (IOException e) {
            throw new InvalidEventException("invalid incident: " + firstLine(e.getMessage()));
        }
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isNonFiniteWord(String s) {
        return s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

package io.hubwatch.collector.host.internal;

import io.hubwatch.events.MetricEvent;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The agent's JSON, written by hand: a {@link MetricEvent} exactly as {@code EventJson.toBytes} writes it (the test
 * holds the bytes equal), and the flat objects of {@code /health}. Why not Jackson: in the agent it was 590 of its
 * 4,260 loaded classes, about 4 MB of metaspace and symbols, for one fixed shape (benchmarks/results/
 * host-agent-vs-node-exporter.md).
 *
 * <pre>{@code
 * byte[] payload = JsonText.metricEvent(event);   // {"timestamp":...,"source":"web-1","metric":"cpu_usage","value":12.5,"labels":{}}
 * }</pre>
 */
public final class JsonText {
    private static final String HEX = "0123456789ABCDEF";

    private JsonText() {}

    /** The event's wire form: fields in the record's order, labels sorted by name, as the shared mapper writes it. */
    public static byte[] metricEvent(MetricEvent e) {
        StringBuilder json = new StringBuilder(96 + 32 * e.labels().size());
        json.append("{\"timestamp\":").append(e.timestamp()).append(",\"source\":");
        string(json, e.source());
        json.append(",\"metric\":");
        string(json, e.metric());
        json.append(",\"value\":").append(e.value()).append(",\"labels\":{");
        boolean first = true;
        for (Map.Entry<String, String> label : e.labels().entrySet()) { // a TreeMap: sorted, as Jackson writes it
            if (!first) {
                json.append(',');
            }
            first = false;
            string(json, label.getKey());
            json.append(':');
            string(json, label.getValue());
        }
        return json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An object of these members in order; values are strings, numbers, booleans, null, or nested maps of the same.
     */
    public static String object(Map<String, ?> members) {
        StringBuilder json = new StringBuilder(256);
        value(json, members);
        return json.toString();
    }

    private static void value(StringBuilder json, Object value) {
        if (value == null) {
            json.append("null");
        } else if (value instanceof String s) {
            string(json, s);
        } else if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else if (value instanceof Map<?, ?> map) {
            json.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> member : map.entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                string(json, String.valueOf(member.getKey()));
                json.append(':');
                value(json, member.getValue());
            }
            json.append('}');
        } else {
            string(json, value.toString());
        }
    }

    /** A JSON string, escaped as Jackson escapes it: quote, backslash and control characters; the rest as is. */
    static void string(StringBuilder json, String s) {
        if (s == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}

package io.hubwatch.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One sample of one series: what collectors publish to {@link Topics#METRICS}.
 *
 * <p>A series is identified by {@code source}, {@code metric} and {@code labels}. The wire form is
 * <pre>{@code
 * {"timestamp": 1764124800000, "source": "web-1", "metric": "cpu_usage", "value": 42.5,
 *  "labels": {"cpu": "total"}}
 * }</pre>
 *
 * @param timestamp event time, epoch milliseconds
 * @param source    the host or service that measured the sample
 * @param metric    metric name, e.g. {@code cpu_usage}
 * @param value     the sample value; must be finite
 * @param labels    further series labels (e.g. {@code mount=/}); never null. Held as a sorted copy in a plain
 *                  {@link TreeMap} (not {@code Map.copyOf}) so that Flink's generic serializer can rebuild it; treat it
 *                  as read-only.
 */
public record MetricEvent(long timestamp, String source, String metric, double value, Map<String, String> labels) {
    public MetricEvent {
        labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
    }

    /** A sample with no extra labels. */
    public static MetricEvent of(long timestamp, String source, String metric, double value) {
        return new MetricEvent(timestamp, source, metric, value, Map.of());
    }

    /**
     * The series identity: {@code metric{host="source",k="v",...}} with labels sorted, so equal series give equal keys.
     * Used as the Kafka key and as the Flink key.
     */
    @JsonIgnore
    public String seriesKey() {
        // the same text as metric + Labels.render(seriesLabels()), written straight from the sorted labels: the two
        // sorted copies that took were 7 % of alert-throughput's CPU samples (the key is asked for at every keyBy)
        boolean addHost = source != null && !labels.containsKey("host");
        if (labels.isEmpty() && !addHost) {
            return metric;
        }
        StringBuilder sb = new StringBuilder(64).append(metric).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) { // a TreeMap: sorted
            if (addHost && e.getKey().compareTo("host") > 0) {
                first = appendLabel(sb, first, "host", source);
                addHost = false;
            }
            first = appendLabel(sb, first, e.getKey(), e.getValue());
        }
        if (addHost) {
            appendLabel(sb, first, "host", source);
        }
        return sb.append('}').toString();
    }

    private static boolean appendLabel(StringBuilder sb, boolean first, String name, String value) {
        if (!first) {
            sb.append(',');
        }
        sb.append(name).append("=\"").append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        return false;
    }

    /** {@code seriesKey().getBytes(UTF_8).length}, counted without building the key. */
    int seriesKeyUtf8Length() {
        boolean addHost = source != null && !labels.containsKey("host");
        int bytes = WireText.utf8Length(metric);
        if (labels.isEmpty() && !addHost) {
            return bytes;
        }
        int count = labels.size() + (addHost ? 1 : 0);
        bytes += 2 + (count - 1); // the braces and the commas
        for (Map.Entry<String, String> e : labels.entrySet()) {
            bytes += labelUtf8Length(e.getKey(), e.getValue());
        }
        if (addHost) {
            bytes += labelUtf8Length("host", source);
        }
        return bytes;
    }

    /** {@code name="value"} as {@link #appendLabel} writes it: a backslash before each backslash and quote. */
    private static int labelUtf8Length(String name, String value) {
        int escapes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"') {
                escapes++;
            }
        }
        return WireText.utf8Length(name) + 3 + WireText.utf8Length(value) + escapes;
    }

    /** The labels that identify the series, with the source as {@code host}. */
    @JsonIgnore
    public Map<String, String> seriesLabels() {
        TreeMap<String, String> all = new TreeMap<>(labels);
        if (source != null) {
            all.putIfAbsent("host", source);
        }
        return all;
    }

    /**
     * What is wrong with this event, or an empty list: missing or malformed fields, a non-finite value, and strings that
     * break {@link WireText}'s rules (control characters, over-long labels, too many labels, an over-long series).
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (timestamp <= 0 || timestamp > WireFields.MAX_TIMESTAMP_MS) {
            problems.add("timestamp must be a positive epoch-millisecond time before the year 10000, was " + timestamp);
        }
        if (source == null || source.isBlank()) {
            problems.add("source is missing");
        } else {
            WireText.check("source", source, WireText.MAX_NAME_CHARS, problems);
        }
        if (metric == null || metric.isBlank()) {
            problems.add("metric is missing");
        } else if (metric.length() > WireText.MAX_NAME_CHARS) {
            problems.add("field 'metric' is " + metric.length() + " characters long; the limit is " + WireText.MAX_NAME_CHARS);
        } else if (!WireText.isPrometheusName(metric, true)) {
            problems.add("metric '" + metric + "' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        if (Double.isNaN(value)) {
            problems.add("value is NaN");
        } else if (Double.isInfinite(value)) {
            problems.add("value is infinite");
        }
        WireText.checkLabels(labels, problems);
        if (problems.isEmpty()) {
            // counted, not built: the key is built once more right after (the Flink key), and building it here too
            // was a sixth of the alert job's source thread (JFR, 2026-12-03)
            WireText.checkSeriesKeyBytes(seriesKeyUtf8Length(), problems);
        }
        return problems;
    }
}

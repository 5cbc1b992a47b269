package io.hubwatch.sink.prometheus;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One sample of one Prometheus series, as remote write sends it: a metric name, labels, a value and a timestamp.
 *
 * <pre>{@code
 * PrometheusSample s = PrometheusSample.of("cpu_usage", Map.of("host", "web-1"), 42.5, System.currentTimeMillis());
 * PrometheusSample gone = s.stale(System.currentTimeMillis());   // ends the series now, as Prometheus' staleness does
 * }</pre>
 *
 * <p>Names and label names are checked against Prometheus' grammar at construction; {@link #metricName(String)} and
 * {@link #labelName(String)} turn arbitrary text into names that pass it, for callers that take names from data.
 *
 * @param name        metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
 * @param labels      label names {@code [a-zA-Z_][a-zA-Z0-9_]*} (not starting with {@code __}) to values; empty
 *                    values are dropped, as Prometheus treats an empty label as absent
 * @param value       the value
 * @param timestampMs epoch milliseconds
 * @param stale       whether this sample is Prometheus' staleness marker for its series (sent as {@link #STALE_NAN}).
 *                    A flag rather than the NaN itself, because serializers (Flink's, {@code DataOutput}) canonicalize
 *                    NaN bit patterns: a marker carried as a value arrived as a plain NaN sample (seen in
 *                    {@code RemoteWriteSinkITCase}).
 */
public record PrometheusSample(String name, SortedMap<String, String> labels, double value, long timestampMs,
                               boolean stale) implements Serializable {

    /** Prometheus' staleness marker: a NaN with this exact bit pattern ends a series at its timestamp. */
    public static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public PrometheusSample {
        Objects.requireNonNull(name, "name");
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' is not a Prometheus name "
                    + "([a-zA-Z_:][a-zA-Z0-9_:]*); use PrometheusSample.metricName() to convert it");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        if (labels != null) {
            for (Map.Entry<String, String> e : labels.entrySet()) {
                String k = e.getKey();
                if (k == null || !LABEL_NAME.matcher(k).matches() || k.startsWith("__")) {
                    throw new IllegalArgumentException("label name '" + k + "' of metric " + name + " is not a "
                            + "Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
                }
                if (e.getValue() != null && !e.getValue().isEmpty()) {
                    copy.put(k, e.getValue());
                }
            }
        }
        labels = copy;
    }

    public static PrometheusSample of(String name, Map<String, String> labels, double value, long timestampMs) {
        return new PrometheusSample(name, labels == null ? null : new TreeMap<>(labels), value, timestampMs, false);
    }

    /** The staleness marker for this sample's series at {@code timestampMs}. */
    public PrometheusSample stale(long timestampMs) {
        return new PrometheusSample(name, labels, STALE_NAN, timestampMs, true);
    }

    /** The value as it goes on the wire: {@link #STALE_NAN}, bit for bit, for a staleness marker. */
    public double wireValue() {
        return stale ? STALE_NAN : value;
    }

    /** The series identity, {@code name{k="v",...}}, for grouping samples of one series. */
    public String seriesKey() {
        StringBuilder b = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        return b.append('}').toString();
    }

    /** {@code text} as a metric name: every character outside the grammar becomes {@code _}. */
    public static String metricName(String text) {
        return sanitize(text, true);
    }

    /** {@code text} as a label name: every character outside the grammar becomes {@code _}; a leading {@code __} is cut. */
    public static String labelName(String text) {
        String s = sanitize(text, false);
        while (s.startsWith("__") && s.length() > 2) {
            s = s.substring(1);
        }
        return s.equals("__") ? "_" : s;
    }

    private static String sanitize(String text, boolean colonAllowed) {
        if (text == null || text.isEmpty()) {
            return "_";
        }
        StringBuilder b = new StringBuilder(text.length() + 1);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colonAllowed && c == ':')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok && i == 0 && c >= '0' && c <= '9') {
                b.append('_').append(c);
            } else {
                b.append(ok ? c : '_');
            }
        }
        return b.toString();
    }
}

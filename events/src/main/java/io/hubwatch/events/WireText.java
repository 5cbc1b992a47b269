package io.hubwatch.events;

import java.util.List;
import java.util.Map;

/**
 * The rules every string of a wire event obeys before it reaches Kafka, the jobs or PostgreSQL, with problems that name
 * the field. A string is refused when it is longer than its field's limit or holds a character no consumer downstream
 * can take safely:
 * <ul>
 *   <li>NUL (U+0000): PostgreSQL refuses it in {@code text} and in {@code jsonb};</li>
 *   <li>every other control character (U+0001-U+001F, U+007F-U+009F), and the line and paragraph separators
 *       U+2028/U+2029: they would fold e-mail headers (CR LF), forge log lines and break chat messages, and no label,
 *       endpoint or page name needs one;</li>
 *   <li>an unpaired UTF-16 surrogate: it has no UTF-8 form, so JSON writers and the PostgreSQL driver would fail or
 *       substitute it.</li>
 * </ul>
 * Refusing rather than stripping keeps series identities exact: {@code a\u0000b} and {@code ab} must not become one
 * series. Label names follow Prometheus ({@code [a-zA-Z_][a-zA-Z0-9_]*}); a sample has at most {@value #MAX_LABELS}
 * labels and its series key at most {@value #MAX_SERIES_KEY_BYTES} UTF-8 bytes, because the key is a Kafka key, a Flink
 * key and part of a PostgreSQL primary key (whose B-tree entries are limited to about 2.7 KB).
 *
 * <pre>{@code
 * String problem = WireText.problem("endpoint", endpoint, WireText.MAX_NAME_CHARS);   // null when fine
 * List<String> problems = new ArrayList<>();
 * WireText.checkLabels(labels, problems);
 * }</pre>
 */
public final class WireText {
    /** Names: metric, source, endpoint, model, user and session ids, label names. */
    public static final int MAX_NAME_CHARS = 256;
    /** Free text such as a rule's description. */
    public static final int MAX_TEXT_CHARS = 4096;
    /** One label value. Mimir and Cortex refuse values over 2048 by default; half of it leaves room for the others. */
    public static final int MAX_LABEL_VALUE_CHARS = 1024;
    /** Labels per sample (Mimir's default {@code max_label_names_per_series} is 30). */
    public static final int MAX_LABELS = 32;
    /** The whole series identity, {@code metric{labels}}, in UTF-8 bytes. */
    public static final int MAX_SERIES_KEY_BYTES = 2048;

    /**
     * Whether {@code name} is a Prometheus name: {@code [a-zA-Z_][a-zA-Z0-9_]*}, or with {@code colons} also {@code :}
     * anywhere (metric names). By hand rather than a regex: every event's metric and label names pass here, and the
     * regex matchers were ~7 % of the alert job's source thread in a JFR profile (benchmarks/results/alert-throughput.md).
     */
    public static boolean isPrometheusName(String name, boolean colons) {
        int n = name.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || colons && c == ':'
                    || i > 0 && c >= '0' && c <= '9';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private WireText() {}

    /**
     * What is wrong with {@code value} as field {@code field}, or null when it is fine (null values are fine: whether
     * a field is required is the caller's rule).
     */
    public static String problem(String field, String value, int maxChars) {
        if (value == null) {
            return null;
        }
        if (value.length() > maxChars) {
            return "field '" + field + "' is " + value.length() + " characters long; the limit is " + maxChars;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
                continue;
            }
            String what = forbidden(c);
            if (what != null) {
                return "field '" + field + "' contains " + what + " at character " + i
                        + " (control characters and unpaired surrogates are refused)";
            }
        }
        return null;
    }

    /**
     * As {@link #problem}, for free text that may span lines (a rule's summary or description): tab and line feed are
     * allowed, every other control character (CR included) is refused.
     */
    public static String textProblem(String field, String value, int maxChars) {
        return problem(field, value == null ? null : value.replace('\n', ' ').replace('\t', ' '), maxChars);
    }

    /** Adds the problem of {@link #problem} to {@code problems}, if any. */
    public static void check(String field, String value, int maxChars, List<String> problems) {
        String problem = problem(field, value, maxChars);
        if (problem != null) {
            problems.add(problem);
        }
    }

    /** Checks a sample's labels: how many, their names, their values. Fields are named {@code labels.<name>}. */
    public static void checkLabels(Map<String, String> labels, List<String> problems) {
        if (labels.size() > MAX_LABELS) {
            problems.add("field 'labels' has " + labels.size() + " labels; the limit is " + MAX_LABELS);
            return;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String name = label.getKey();
            String nameProblem = problem("labels", name, MAX_NAME_CHARS);
            if (nameProblem != null) {
                problems.add(nameProblem + " (in a label name)");
                continue;
            }
            if (!isPrometheusName(name, false)) {
                problems.add("field 'labels': '" + name + "' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)");
                continue;
            }
            if (label.getValue() == null) {
                problems.add("field 'labels." + name + "' must be a string, was null");
                continue;
            }
            check("labels." + name, label.getValue(), MAX_LABEL_VALUE_CHARS, problems);
        }
    }

    /**
     * Checks the UTF-8 length of a series key built from already valid parts (counted, not built: see
     * {@link MetricEvent#seriesKeyUtf8Length}).
     */
    static void checkSeriesKeyBytes(int bytes, List<String> problems) {
        if (bytes > MAX_SERIES_KEY_BYTES) {
            problems.add("the series (metric and labels) is " + bytes + " bytes long in UTF-8; the limit is "
                    + MAX_SERIES_KEY_BYTES);
        }
    }

    /**
     * {@code s.getBytes(UTF_8).length}, counted without encoding: a surrogate pair is 4 bytes, an unpaired surrogate
     * 1 (the encoder writes '?' for it).
     */
    static int utf8Length(CharSequence s) {
        int n = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String forbidden(char c) {
        if (c == 0) {
            return "a NUL character (U+0000)";
        }
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
            return String.format("the control character U+%04X", (int) c);
        }
        if (Character.isSurrogate(c)) {
            return String.format("an unpaired surrogate U+%04X", (int) c);
        }
        return null;
    }
}

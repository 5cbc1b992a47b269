package io.hubwatch.rules.anomaly;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Per-metric settings of the anomaly detector, from the {@code anomaly:} section of a rule file:
 *
 * <pre>{@code
 * anomaly:
 *   - metric: "gpu_*"          # a metric name or a glob (* and ?)
 *     enabled: true            # default true
 *     sensitivity: 0.7         # in (0,1), default 0.5; higher fires on smaller deviations
 *     min_history: 512         # samples before a series may raise incidents, default 256
 *     retrain_interval: 64     # samples between two trainings of a series' model, default 64
 * }</pre>
 *
 * <pre>{@code
 * AnomalySettings s = AnomalySettings.fromMap(yamlMap, "rules.yaml anomaly[0]");
 * if (s.matches("gpu_util")) { ... }
 * }</pre>
 *
 * @param metric          a metric name, or a glob over metric names
 * @param enabled         whether matching series are scored at all
 * @param sensitivity     in (0,1)
 * @param minHistory      at least 16
 * @param retrainInterval at least 1
 */
public record AnomalySettings(String metric, boolean enabled, double sensitivity, int minHistory, int retrainInterval)
        implements Serializable {
    public static final double DEFAULT_SENSITIVITY = 0.5;
    public static final int DEFAULT_MIN_HISTORY = 256;
    public static final int DEFAULT_RETRAIN_INTERVAL = 64;

    private static final Pattern GLOB = Pattern.compile("[a-zA-Z0-9_:*?]+");
    private static final Set<String> FIELDS = Set.of("metric", "enabled", "sensitivity", "min_history", "retrain_interval");

    public AnomalySettings {
        List<String> problems = problems(metric, sensitivity, minHistory, retrainInterval);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The defaults for a metric (or glob). */
    public static AnomalySettings defaults(String metric) {
        return new AnomalySettings(metric, true, DEFAULT_SENSITIVITY, DEFAULT_MIN_HISTORY, DEFAULT_RETRAIN_INTERVAL);
    }

    /** Whether these settings apply to a metric name. */
    public boolean matches(String metricName) {
        return metricName != null && globMatches(metric, 0, metricName, 0);
    }

    /**
     * Reads one entry of an {@code anomaly:} section.
     *
     * @param where names the entry in messages, e.g. {@code rules.yaml anomaly[2]}
     * @throws IllegalArgumentException naming {@code where}, the field and the bad value
     */
    public static AnomalySettings fromMap(Map<String, Object> yaml, String where) {
        if (yaml == null) {
            throw new IllegalArgumentException(where + ": expected a mapping with at least 'metric'");
        }
        for (String key : yaml.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown field '" + key + "' (expected one of "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        Object metric = yaml.get("metric");
        if (!(metric instanceof String m) || m.isBlank()) {
            throw new IllegalArgumentException(where + ": field 'metric' is required and must be a metric name or glob, was "
                    + describe(metric));
        }
        if (!GLOB.matcher(m).matches()) {
            throw new IllegalArgumentException(where + ": field 'metric': '" + m
                    + "' is not a metric name or glob ([a-zA-Z0-9_:] with * and ?)");
        }
        boolean enabled = true;
        if (yaml.containsKey("enabled")) {
            if (!(yaml.get("enabled") instanceof Boolean b)) {
                throw new IllegalArgumentException(where + ": field 'enabled' must be true or false, was "
                        + describe(yaml.get("enabled")));
            }
            enabled = b;
        }
        double sensitivity = DEFAULT_SENSITIVITY;
        if (yaml.containsKey("sensitivity")) {
            Object v = yaml.get("sensitivity");
            if (!(v instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() < 1)) {
                throw new IllegalArgumentException(where + ": field 'sensitivity' must be a number between 0 and 1 "
                        + "(exclusive), was " + describe(v));
            }
            sensitivity = n.doubleValue();
        }
        int minHistory = intField(yaml, "min_history", DEFAULT_MIN_HISTORY, 16, where);
        int retrain = intField(yaml, "retrain_interval", DEFAULT_RETRAIN_INTERVAL, 1, where);
        return new AnomalySettings(m, enabled, sensitivity, minHistory, retrain);
    }

    private static int intField(Map<String, Object> yaml, String field, int dflt, int min, String where) {
        if (!yaml.containsKey(field)) {
            return dflt;
        }
        Object v = yaml.get(field);
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
                || ((Number) v).longValue() > 1_000_000) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be a whole number of samples from "
                    + min + " to 1000000, was " + describe(v));
        }
        return ((Number) v).intValue();
    }

    private static String describe(Object v) {
        return v == null ? "missing" : v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static List<String> problems(String metric, double sensitivity, int minHistory, int retrainInterval) {
        List<String> p = new ArrayList<>();
        if (metric == null || !GLOB.matcher(metric).matches()) {
            p.add("metric '" + metric + "' is not a metric name or glob");
        }
        if (!(sensitivity > 0 && sensitivity < 1)) {
            p.add("sensitivity must be between 0 and 1 (exclusive), was " + sensitivity);
        }
        if (minHistory < 16) {
            p.add("min_history must be at least 16, was " + minHistory);
        }
        if (retrainInterval < 1) {
            p.add("retrain_interval must be at least 1, was " + retrainInterval);
        }
        return p;
    }

    private static boolean globMatches(String g, int gi, String s, int si) {
        while (gi < g.length()) {
            char c = g.charAt(gi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (globMatches(g, gi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            gi++;
            si++;
        }
        return si == s.length();
    }
}

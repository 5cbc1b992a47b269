package io.hubwatch.rules;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Annotation templating: {@code {{host}}} and {@code {{ $labels.host }}} become the series label, {@code {{$value}}}
 * the value, {@code {{$threshold}}} the threshold. An unknown label renders as the empty string (as in Prometheus).
 */
public final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(\\$labels\\.)?(\\$?[a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

    private Templates() {}

    public static String render(String template, Map<String, String> labels, double value, double threshold) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            String replacement;
            if (m.group(1) != null) {
                replacement = labels.getOrDefault(name, "");
            } else if (name.equals("$value")) {
                replacement = number(value);
            } else if (name.equals("$threshold")) {
                replacement = number(threshold);
            } else {
                replacement = labels.getOrDefault(name, "");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A number without a pointless {@code .0}: {@code 80}, {@code 92.5}. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(Math.round(v * 1000.0) / 1000.0);
    }
}

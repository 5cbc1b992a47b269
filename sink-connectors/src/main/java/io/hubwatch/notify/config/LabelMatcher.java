package io.hubwatch.notify.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One Alertmanager matcher: {@code name="value"}, {@code name!="value"}, {@code name=~"regex"}, {@code name!~"regex"}.
 * Regexes are anchored, as in Alertmanager. A missing label matches as the empty string.
 *
 * <pre>{@code
 * LabelMatcher m = LabelMatcher.parse("severity=~\"critical|warning\"");
 * m.matches(Map.of("severity", "critical"));   // true
 * }</pre>
 */
public record LabelMatcher(String name, Op op, String value, Pattern pattern) {

    /** The four matcher operators. */
    public enum Op {
        EQ("="), NE("!="), RE("=~"), NRE("!~");

        private final String text;

        Op(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private static final Pattern SYNTAX = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");

    public static LabelMatcher of(String name, Op op, String value) {
        Pattern p = op == Op.RE || op == Op.NRE ? Pattern.compile("^(?:" + value + ")$") : null;
        return new LabelMatcher(name, op, value, p);
    }

    /**
     * Parses one matcher in Alertmanager's syntax; the value may be quoted.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static LabelMatcher parse(String text) {
        var m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a matcher (expected name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\")");
        }
        String raw = m.group(3);
        String value = raw;
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            value = raw.substring(1, raw.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        Op op = switch (m.group(2)) {
            case "=" -> Op.EQ;
            case "!=" -> Op.NE;
            case "=~" -> Op.RE;
            default -> Op.NRE;
        };
        try {
            return of(m.group(1), op, value);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' has an invalid regex: " + e.getDescription());
        }
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        return switch (op) {
            case EQ -> actual.equals(value);
            case NE -> !actual.equals(value);
            case RE -> pattern.matcher(actual).matches();
            case NRE -> !pattern.matcher(actual).matches();
        };
    }

    /** Alertmanager's rendering, used in route keys: {@code name="value"}. */
    @Override
    public String toString() {
        return name + op.text() + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

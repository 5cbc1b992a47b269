package io.hubwatch.rules;

import java.io.Serializable;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One Prometheus-style label matcher: {@code name=value}, {@code name!=value}, {@code name=~regex},
 * {@code name!~regex}. Regexes are anchored, as in Prometheus. A missing label reads as the empty string.
 *
 * <pre>{@code
 * LabelMatcher m = LabelMatcher.parse("host=~\"web-.*\"");
 * m.matches(Map.of("host", "web-1"));   // true
 * }</pre>
 */
public record LabelMatcher(String name, Type type, String value) implements Serializable {

    public enum Type {
        EQ("="), NE("!="), RE("=~"), NRE("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private static final Pattern SYNTAX = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");

    public LabelMatcher {
        if (type == Type.RE || type == Type.NRE) {
            Pattern.compile(value); // fail early with the regex problem
        }
    }

    /**
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static LabelMatcher parse(String text) {
        java.util.regex.Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a label matcher (use name=value, name!=value, "
                    + "name=~regex or name!~regex)");
        }
        String raw = m.group(3);
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            raw = raw.substring(1, raw.length() - 1);
        }
        Type type = switch (m.group(2)) {
            case "=" -> Type.EQ;
            case "!=" -> Type.NE;
            case "=~" -> Type.RE;
            default -> Type.NRE;
        };
        try {
            return new LabelMatcher(m.group(1), type, raw);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' has an invalid regex: " + e.getDescription());
        }
    }

    /** The wire form: {@code name="value"} with the operator, as {@link #parse} reads it. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String text() {
        return toString();
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    static LabelMatcher fromJson(String text) {
        return parse(text);
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        return switch (type) {
            case EQ -> actual.equals(value);
            case NE -> !actual.equals(value);
            case RE -> actual.matches(value);
            case NRE -> !actual.matches(value);
        };
    }

    @Override
    public String toString() {
        return name + type.symbol + "\"" + value + "\"";
    }
}

package io.hubwatch.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One Prometheus-style label matcher: {@code name=value}, {@code name!=value}, {@code name=~regex},
 * {@code name!~regex}. Regexes are anchored, as in Prometheus, and use RE2 syntax (Prometheus' own) with RE2/J: matching
 * takes time linear in the label value, so no rule can stall the job with a backtracking pattern. A missing label reads
 * as the empty string.
 *
 * <pre>{@code
 * LabelMatcher m = LabelMatcher.parse("host=~\"web-.*\"");
 * m.matches(Map.of("host", "web-1"));   // true
 * }</pre>
 */
public final class LabelMatcher implements Serializable {
    private static final long serialVersionUID = 1L;

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

    private static final java.util.regex.Pattern SYNTAX =
            java.util.regex.Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");

    private final String name;
    private final Type type;
    private final String value;
    /** Compiled once; rebuilt after Java deserialization. */
    private transient Pattern pattern;

    /** @throws PatternSyntaxException when a regex matcher's value is not an RE2 regex */
    public LabelMatcher(String name, Type type, String value) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.value = Objects.requireNonNull(value, "value");
        if (type == Type.RE || type == Type.NRE) {
            this.pattern = Pattern.compile(value); // fail early with the regex problem
        }
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    public String value() {
        return value;
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
            raw = unquote(raw.substring(1, raw.length() - 1));
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

    /** Inside double quotes, as in PromQL and Alertmanager: {@code \"} is a quote and {@code \\} a backslash; any
     *  other backslash stays, so a regex such as {@code "a\.b"} keeps its escape. */
    private static String unquote(String quoted) {
        if (quoted.indexOf('\\') < 0) {
            return quoted;
        }
        StringBuilder sb = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() && (quoted.charAt(i + 1) == '"' || quoted.charAt(i + 1) == '\\')) {
                sb.append(quoted.charAt(++i));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
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
            case RE -> regex().matches(actual);
            case NRE -> !regex().matches(actual);
        };
    }

    private Pattern regex() {
        Pattern p = pattern;
        if (p == null) {
            p = Pattern.compile(value);
            pattern = p;
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher m && name.equals(m.name) && type == m.type && value.equals(m.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, value);
    }

    @Override
    public String toString() {
        return name + type.symbol + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

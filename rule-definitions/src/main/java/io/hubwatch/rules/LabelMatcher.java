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
            long size = expandedSize(value);
            if (size > MAX_REGEX_SIZE) {
                // RE2 expands x{n} into n copies before compiling: ((a{1000}){1000}){1000} is 10^9 of them, and
                // compiling it exhausted the heap of the JVM that runs the API, Kafka and the jobs together
                throw new IllegalArgumentException("regex is too large once its repetitions are expanded (about "
                        + (size >= CAP ? "more than " + CAP : String.valueOf(size)) + " steps; the limit is "
                        + MAX_REGEX_SIZE + ")");
            }
            this.pattern = Pattern.compile(value); // fail early with the regex problem
        }
    }

    /** Steps (about RE2 instructions) a matcher's regex may expand to; {@code (a|b){1000}} is about 4,000. */
    static final int MAX_REGEX_SIZE = 20_000;
    private static final long CAP = 1L << 40;

    /**
     * An upper estimate of the regex's size once RE2 has expanded its counted repetitions: literal characters,
     * classes and escapes count one, a group its content plus one, {@code x{n,m}} multiplies x by m ({@code n+1} when
     * open). Computed on the text so that nothing is expanded; a malformed regex is left to the compiler's message.
     */
    static long expandedSize(String re) {
        java.util.ArrayDeque<long[]> stack = new java.util.ArrayDeque<>();
        long total = 0;
        long last = 0;
        int i = 0;
        int n = re.length();
        while (i < n) {
            char c = re.charAt(i);
            long atom = 1;
            switch (c) {
                case '\\' -> {
                    if (i + 1 < n && re.charAt(i + 1) == 'Q') {
                        int end = re.indexOf("\\E", i + 2);
                        end = end < 0 ? n : end;
                        atom = Math.max(1, end - (i + 2));
                        i = end < n ? end + 2 : n;
                    } else if (i + 2 < n && "pPx".indexOf(re.charAt(i + 1)) >= 0 && re.charAt(i + 2) == '{') {
                        int end = re.indexOf('}', i + 3);
                        i = end < 0 ? n : end + 1;
                    } else {
                        i += 2;
                    }
                }
                case '[' -> {
                    int j = i + 1;
                    if (j < n && re.charAt(j) == '^') {
                        j++;
                    }
                    if (j < n && re.charAt(j) == ']') {
                        j++;
                    }
                    while (j < n && re.charAt(j) != ']') {
                        if (re.charAt(j) == '\\') {
                            j++;
                        } else if (re.startsWith("[:", j)) {
                            int end = re.indexOf(":]", j + 2);
                            j = end < 0 ? j : end + 1;
                        }
                        j++;
                    }
                    i = j + 1;
                }
                case '(' -> {
                    stack.push(new long[] {total, last});
                    total = 0;
                    last = 0;
                    i++;
                    continue;
                }
                case ')' -> {
                    i++;
                    if (!stack.isEmpty()) {
                        atom = total + 1;
                        long[] outer = stack.pop();
                        total = outer[0];
                        last = outer[1];
                    }
                }
                case '|', '*', '+', '?' -> {
                    total = Math.min(CAP, total + 1);
                    if (c == '|') {
                        last = 0;
                    }
                    i++;
                    continue;
                }
                case '{' -> {
                    java.util.regex.Matcher m = REPEAT.matcher(re).region(i, n);
                    if (m.lookingAt()) {
                        long times = m.group(2) == null ? parseCount(m.group(1))
                                : m.group(3).isEmpty() ? parseCount(m.group(1)) + 1 : parseCount(m.group(3));
                        long grown = Math.min(CAP, last * Math.max(1, times));
                        total = Math.min(CAP, total - last + grown);
                        last = grown;
                        i = m.end();
                        continue;
                    }
                    i++;
                }
                default -> i++;
            }
            total = Math.min(CAP, total + atom);
            last = atom;
        }
        // an unclosed group still counts
        while (!stack.isEmpty()) {
            long[] outer = stack.pop();
            total = Math.min(CAP, outer[0] + total + 1);
        }
        return total;
    }

    private static final java.util.regex.Pattern REPEAT = java.util.regex.Pattern.compile("\\{(\\d+)(,(\\d*))?}");

    private static long parseCount(String digits) {
        if (digits == null || digits.isEmpty()) {
            return 1;
        }
        return digits.length() > 9 ? CAP : Long.parseLong(digits);
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
        // the same text rules as a label value: a NUL or control character would reach PostgreSQL and notifications
        String bad = io.hubwatch.events.WireText.problem("value", raw, io.hubwatch.events.WireText.MAX_TEXT_CHARS);
        if (bad != null) {
            throw new IllegalArgumentException("'" + m.group(1) + m.group(2) + "...': " + bad);
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

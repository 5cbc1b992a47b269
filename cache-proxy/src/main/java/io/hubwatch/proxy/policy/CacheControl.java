package io.hubwatch.proxy.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of every {@code Cache-Control} line of a message, merged (RFC 9111 5.2: a field may be sent as
 * several lines, and each line as a comma-separated list). Names are compared case-insensitively; a directive that
 * appears twice keeps its first value, and a delta-seconds value that does not parse counts as 0, the safe reading.
 *
 * <pre>{@code
 * CacheControl cc = CacheControl.parse(List.of("max-age=60", "private, s-maxage=10"));
 * cc.has("private");          // true
 * cc.seconds("s-maxage");     // 10
 * cc.seconds("no-cache");     // -1: absent or without a value
 * }</pre>
 */
public final class CacheControl {

    /** No directives at all. */
    public static final CacheControl NONE = new CacheControl(Map.of());

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    /** Parses all lines of the field; {@code null} or no lines is {@link #NONE}. */
    public static CacheControl parse(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            return NONE;
        }
        Map<String, String> d = new HashMap<>();
        for (String line : lines) {
            if (line == null) {
                continue;
            }
            for (String part : splitOutsideQuotes(line)) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : unquote(p.substring(eq + 1).trim());
                d.putIfAbsent(name, value);
            }
        }
        return d.isEmpty() ? NONE : new CacheControl(d);
    }

    public boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** The delta-seconds of a directive: -1 when absent, 0 when present without a number that parses. */
    public long seconds(String directive) {
        String v = directives.get(directive);
        if (v == null) {
            return -1;
        }
        if (v.isEmpty()) {
            return 0;
        }
        try {
            long n = Long.parseLong(v);
            // capped at 2^31 as RFC 9111 says: callers multiply by 1000, which must not wrap to a small number
            return n < 0 ? 0 : Math.min(n, Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            // RFC 9111 1.2.2: too large a value means "infinity" (2^31); anything else is invalid and treated as 0
            return v.chars().allMatch(Character::isDigit) ? Integer.MAX_VALUE : 0;
        }
    }

    public boolean isEmpty() {
        return directives.isEmpty();
    }

    private static List<String> splitOutsideQuotes(String line) {
        if (line.indexOf('"') < 0) {
            return List.of(line.split(","));
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    @Override
    public String toString() {
        return directives.toString();
    }
}

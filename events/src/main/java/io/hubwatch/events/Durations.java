package io.hubwatch.events;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus-style durations: one or more {@code <number><unit>} parts, units {@code ms s m h d w y} (a year is 365
 * days, as in Prometheus), e.g. {@code 30s}, {@code 5m}, {@code 1h30m}. The one grammar of every duration a user
 * types: rule files, silences, the notifier's Alertmanager configuration, the proxies' and load suite's files, and
 * every command-line flag (the host agent's {@code --interval} as well as {@code up}'s). It lives here, beside the wire
 * contract, so that the leanest part (the host agent) reads the same text as the rest without the rules' YAML stack.
 *
 * <pre>{@code
 * Duration d = Durations.parse("1h30m");   // PT1H30M
 * String text = Durations.format(d);       // "1h30m"
 * }</pre>
 */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

    /** The longest duration any rule, silence or notifier setting may give: beyond it the text is surely a mistake,
     *  and far beyond it {@code Duration.toMillis()} and event-time arithmetic overflow. */
    public static final Duration MAX = Duration.ofDays(36_500);
    private static final String MAX_TEXT = "100y";

    private Durations() {}

    /**
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 30s, 5m, 1h30m)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            // digits beyond a long, or a part that overflows when converted, are over the limit in any case
            String digits = m.group(1).replaceFirst("^0+(?=.)", "");
            long n = digits.length() > 12 ? Long.MAX_VALUE : Long.parseLong(digits);
            long unitMillis = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                case "w" -> 7 * 86_400_000L;
                case "y" -> 365 * 86_400_000L;
                default -> throw new IllegalStateException(m.group(2));
            };
            if (n > MAX.toMillis() / unitMillis) {
                throw tooLong(text);
            }
            total = total.plusMillis(n * unitMillis);
            if (total.compareTo(MAX) > 0) {
                throw tooLong(text);
            }
        }
        return total;
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("'" + text + "' is longer than the limit of " + MAX_TEXT);
    }

    /** The shortest text {@link #parse} reads back as the same duration, e.g. {@code 2m}, {@code 1h30m}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms >= sizes[i]) {
                sb.append(ms / sizes[i]).append(units[i]);
                ms %= sizes[i];
            }
        }
        return sb.toString();
    }
}

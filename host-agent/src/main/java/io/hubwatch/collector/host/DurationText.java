package io.hubwatch.collector.host;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on a command line: a whole number and a unit ({@code ms}, {@code s}, {@code m},
 * {@code h}), or ISO-8601 ({@code PT10S}).
 *
 * <pre>{@code
 * Duration interval = DurationText.parse("10s");   // PT10S
 * String shown = DurationText.format(interval);     // "10s"
 * }</pre>
 */
public final class DurationText {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    private DurationText() {}

    /**
     * Parses {@code 500ms}, {@code 10s}, {@code 1m}, {@code 2h} or ISO-8601 such as {@code PT1M30S}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is missing: use a number with ms, s, m or h, e.g. 10s");
        }
        String trimmed = text.trim();
        Matcher m = SIMPLE.matcher(trimmed.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (trimmed.regionMatches(true, 0, "PT", 0, 2)) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                // fall through to the one message below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: use a number with ms, s, m or h, e.g. 10s");
    }

    /** The shortest exact form: {@code 10s}, {@code 1m}, {@code 1500ms}. */
    public static String format(Duration duration) {
        if (duration == null) {
            return "null";
        }
        long ms = duration.toMillis();
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}

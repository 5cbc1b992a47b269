package io.hubwatch.notify.config.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus/Alertmanager durations: {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}, {@code 1d}, {@code 1w}. */
public final class PromDuration {
    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

    private PromDuration() {}

    /** @throws IllegalArgumentException for anything else */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30s, 5m, 1h30m, 500ms)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text.trim());
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
        }
        return total;
    }
}

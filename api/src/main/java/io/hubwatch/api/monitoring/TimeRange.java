package io.hubwatch.api.monitoring;

import io.hubwatch.api.http.ApiException;
import io.hubwatch.api.http.ApiRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code from}/{@code to}/{@code step} query parameters of the monitoring API: instants as ISO-8601
 * ({@code 2026-11-26T04:00:00Z}) or epoch milliseconds, {@code from} also relative ({@code -1h}, {@code -30m});
 * a step as whole minutes ({@code 1m}, {@code 5m}, {@code 1h}), since the rollups are per minute.
 *
 * <pre>{@code
 * TimeRange r = TimeRange.of(request, Duration.ofHours(1));   // default: the last hour
 * }</pre>
 */
record TimeRange(Instant from, Instant to) {
    static final Duration MAX = Duration.ofDays(31);
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,6})(m|h|d)");
    private static final Pattern STEP = Pattern.compile("(\\d{1,6})(m|h|d)");

    static TimeRange of(ApiRequest request, Duration defaultLength) {
        Instant to = instant(request.queryParam("to"), "to", Instant.now());
        Instant from = instant(request.queryParam("from"), "from", to.minus(defaultLength), to);
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("'from' (" + from + ") must be before 'to' (" + to + ")", "from");
        }
        if (Duration.between(from, to).compareTo(MAX) > 0) {
            throw ApiException.badRequest("the range is longer than 31 days", "from");
        }
        return new TimeRange(from, to);
    }

    private static Instant instant(String text, String field, Instant fallback) {
        return instant(text, field, fallback, Instant.now());
    }

    private static Instant instant(String text, String field, Instant fallback, Instant relativeTo) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        Matcher m = RELATIVE.matcher(text.trim());
        if (m.matches()) {
            return relativeTo.minus(length(Long.parseLong(m.group(1)), m.group(2)));
        }
        try {
            return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw ApiException.badRequest("'" + field + "' must be an ISO-8601 instant (2026-11-26T04:00:00Z), epoch "
                    + "milliseconds, or for 'from' relative to 'to' (-1h, -30m, -7d); was '" + text + "'", field);
        }
    }

    /** The step in whole minutes: the given one, or the smallest that gives at most {@code maxPoints}. */
    long stepMinutes(String text, int maxPoints) {
        long minutes = Math.max(1, Duration.between(from, to).toMinutes());
        if (text == null || text.isBlank()) {
            return Math.max(1, (minutes + maxPoints - 1) / maxPoints);
        }
        Matcher m = STEP.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw ApiException.badRequest("'step' must be whole minutes, hours or days (1m, 5m, 1h, 1d), was '" + text + "'", "step");
        }
        long step = length(Long.parseLong(m.group(1)), m.group(2)).toMinutes();
        if (minutes / step > maxPoints) {
            throw ApiException.badRequest("step " + text + " gives more than " + maxPoints + " points for this range", "step");
        }
        return step;
    }

    private static Duration length(long n, String unit) {
        return switch (unit) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}

package io.hubwatch.backtest.nab;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/** NAB's timestamps ({@code 2014-04-10 07:15:00}, optionally with {@code .000000}), read as UTC. */
public final class NabTime {
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd[' ']['T']HH:mm[:ss]")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private NabTime() {}

    /** Epoch milliseconds of a NAB timestamp. */
    public static long parseMillis(String text) {
        return LocalDateTime.parse(text.trim(), FORMAT).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** A canonical form, so that {@code 2014-04-10 07:15:00} and {@code 2014-04-10 07:15:00.000000} compare equal. */
    static String normalise(String text) {
        try {
            return LocalDateTime.parse(text.trim(), FORMAT).toString();
        } catch (DateTimeParseException e) {
            return text.trim();
        }
    }
}

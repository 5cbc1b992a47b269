package io.hubwatch.jobs.jdbc;

import io.hubwatch.events.WireText;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks of values against what PostgreSQL refuses, for {@link JdbcTable#check()}: NUL in {@code text} and
 * {@code jsonb} (error 22021 / 22P05), characters without a UTF-8 form, B-tree index entries over about 2.7 KB (54000),
 * and timestamps outside {@code timestamptz}'s range (22008). Each problem names the column.
 *
 * <pre>{@code
 * List<String> problems = new ArrayList<>();
 * PgValues.text("endpoint", row.endpoint(), PgValues.MAX_KEY_BYTES, problems);
 * PgValues.timestamp("minute", row.minute(), problems);
 * }</pre>
 */
public final class PgValues {
    /** A text column in a primary key or index: its B-tree entry must stay under 2704 bytes with the other columns. */
    public static final int MAX_KEY_BYTES = 2048;
    /** 9999-12-31T23:59:59.999Z, the latest time PostgreSQL and java.sql.Timestamp agree on. */
    private static final long MAX_EPOCH_MS = 253_402_300_799_999L;
    /** 4713 BC is PostgreSQL's earliest; anything before year 1 is refused as a clock error. */
    private static final long MIN_EPOCH_MS = -62_135_596_800_000L;

    private PgValues() {}

    /** A text value: no NUL, no control character or unpaired surrogate, at most {@code maxBytes} in UTF-8. */
    public static void text(String column, String value, int maxBytes, List<String> problems) {
        if (value == null) {
            return;
        }
        String problem = WireText.problem(column, value, Integer.MAX_VALUE);
        if (problem != null) {
            problems.add("column " + problem.substring("field ".length()));
            return;
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            problems.add("column '" + column + "' is " + bytes + " bytes in UTF-8; the limit is " + maxBytes);
        }
    }

    /** A map written as {@code jsonb}: every key and value is checked as text. */
    public static void jsonStrings(String column, Map<String, String> map, int maxBytes, List<String> problems) {
        for (Map.Entry<String, String> e : map.entrySet()) {
            text(column + "." + e.getKey(), e.getKey(), maxBytes, problems);
            text(column + "." + e.getKey(), e.getValue(), maxBytes, problems);
        }
    }

    /** An epoch-millisecond time for a {@code timestamptz} column. */
    public static void timestamp(String column, long epochMs, List<String> problems) {
        if (epochMs < MIN_EPOCH_MS || epochMs > MAX_EPOCH_MS) {
            problems.add("column '" + column + "' time " + epochMs + " ms is outside the years 1 to 9999");
        }
    }
}

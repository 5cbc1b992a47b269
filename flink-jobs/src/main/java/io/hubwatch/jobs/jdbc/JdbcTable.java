package io.hubwatch.jobs.jdbc;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How rows of one type are written to one PostgreSQL table: the upsert statement, how a row binds to it, what the
 * table would refuse (checked before writing, so a bad row is named without a round trip), and how a refused row is
 * shown in its dead letter.
 *
 * <pre>{@code
 * JdbcTable<SeriesMinute> table = JdbcTable.of("metric_minute", "INSERT INTO metric_minute ... ON CONFLICT ...",
 *         (ps, r) -> { ps.setTimestamp(1, ...); ... },
 *         r -> { List<String> p = new ArrayList<>(); PgValues.text("series_key", r.seriesKey(), 2048, p); return p; });
 * }</pre>
 *
 * @param name     the table, for messages and operator names
 * @param sql      an idempotent statement (an upsert), since rows are written at least once
 * @param binder   sets the statement's parameters from a row
 * @param check    what PostgreSQL would refuse in a row, each problem naming its column; empty when fine
 * @param describe the row as text for its dead letter
 */
public record JdbcTable<T>(String name, String sql, JdbcStatementBuilder<T> binder, Check<T> check,
                           Describe<T> describe) implements Serializable {

    /** A serializable row check. */
    @FunctionalInterface
    public interface Check<T> extends Function<T, List<String>>, Serializable {}

    /** A serializable row printer. */
    @FunctionalInterface
    public interface Describe<T> extends Function<T, String>, Serializable {}

    public JdbcTable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(binder, "binder");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(describe, "describe");
    }

    /** A table whose rows are described by their {@code toString()}. */
    public static <T> JdbcTable<T> of(String name, String sql, JdbcStatementBuilder<T> binder, Check<T> check) {
        return new JdbcTable<>(name, sql, binder, check, String::valueOf);
    }
}

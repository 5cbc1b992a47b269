package io.hubwatch.jobs.jdbc;

import java.io.Serializable;
import java.time.Duration;

/**
 * Where and how often rows are written.
 *
 * <pre>{@code
 * JdbcSettings settings = JdbcSettings.of("jdbc:postgresql://db:5432/hubwatch", "hubwatch", secret);
 * }</pre>
 *
 * @param jdbcUrl       a PostgreSQL JDBC URL
 * @param batchSize     rows per batch; a full batch is written at once
 * @param flushInterval a partial batch is written at the latest this long after its first row (and always before a
 *                      checkpoint completes)
 * @param maxRetries    how often a batch is retried after a connection problem before the job fails (and its bounded
 *                      restart strategy takes over)
 */
public record JdbcSettings(String jdbcUrl, String user, String password, int batchSize, Duration flushInterval,
                           int maxRetries) implements Serializable {

    public JdbcSettings {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db) is needed, was " + jdbcUrl);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, was " + batchSize);
        }
        if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("the flush interval must be positive, was " + flushInterval);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + maxRetries);
        }
        password = password == null ? "" : password;
    }

    /** Batches of 500 rows, written at least every second, 3 retries. */
    public static JdbcSettings of(String jdbcUrl, String user, String password) {
        return new JdbcSettings(jdbcUrl, user, password, 500, Duration.ofSeconds(1), 3);
    }

    @Override
    public String toString() {
        return "JdbcSettings[" + jdbcUrl + ", user " + user + ", batches of " + batchSize + ", every " + flushInterval
                + ", " + maxRetries + " retries]"; // never the password
    }
}

package io.hubwatch.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where Hubwatch's PostgreSQL is, and a pool for it. The default is the {@code hubwatch} database on 127.0.0.1:5432 as
 * user {@code postgres}; {@link #ensureDatabase()} creates the database on first use.
 *
 * <pre>{@code
 * Database db = Database.of("jdbc:postgresql://127.0.0.1:5432/hubwatch", "postgres", "");
 * db.ensureDatabase();
 * try (HikariDataSource pool = db.pool("hubwatch-api", 8)) {
 *     Migrations.apply(pool);
 * }
 * }</pre>
 */
public record Database(String jdbcUrl, String user, String password) {

    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/hubwatch";

    public static Database of(String jdbcUrl, String user, String password) {
        return new Database(jdbcUrl, user, password == null ? "" : password);
    }

    /** The default: {@code hubwatch} on 127.0.0.1:5432, user {@code postgres} (trust auth on a development machine). */
    public static Database defaults() {
        return of(DEFAULT_URL, "postgres", "");
    }

    /** The same server with another database name, e.g. one per test class. */
    public Database withDatabaseName(String name) {
        int slash = jdbcUrl.lastIndexOf('/');
        int query = jdbcUrl.indexOf('?', slash);
        String rest = query < 0 ? "" : jdbcUrl.substring(query);
        return new Database(jdbcUrl.substring(0, slash + 1) + name + rest, user, password);
    }

    public String databaseName() {
        int slash = jdbcUrl.lastIndexOf('/');
        int query = jdbcUrl.indexOf('?', slash);
        return query < 0 ? jdbcUrl.substring(slash + 1) : jdbcUrl.substring(slash + 1, query);
    }

    /** Creates the database if it does not exist (connecting to the server's {@code postgres} database to do it). */
    public void ensureDatabase() throws SQLException {
        String name = databaseName();
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name '" + name + "' must be lower-case letters, digits and _");
        }
        try (Connection c = DriverManager.getConnection(withDatabaseName("postgres").jdbcUrl(), user, password);
             Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!rs.next()) {
                try {
                    s.execute("CREATE DATABASE " + name);
                } catch (SQLException e) {
                    if (!"42P04".equals(e.getSQLState())) { // created concurrently by someone else
                        throw e;
                    }
                }
            }
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    public HikariDataSource pool(String name, int maxSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxSize);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }
}

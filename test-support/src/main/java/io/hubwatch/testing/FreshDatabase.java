package io.hubwatch.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * A PostgreSQL database of its own for one test class: created empty before the class's first test, dropped (with
 * its connections) after the last, so tests never read or leave state in a user's {@code hubwatch} database nor see
 * each other's rows when they run at the same time.
 *
 * <p>The server is {@code HUBWATCH_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres}) as
 * {@code HUBWATCH_TEST_PG_USER} (default {@code postgres}, trust authentication).
 *
 * <pre>{@code
 * class RulesStoreITCase {
 *     @RegisterExtension static final FreshDatabase DB = new FreshDatabase();
 *
 *     @Test void storesARule() {
 *         Database db = Database.of(DB.jdbcUrl(), DB.user(), DB.password());
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class FreshDatabase implements BeforeAllCallback, AfterAllCallback {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String serverUrl;
    private final String user;
    private final String password;
    private String name;

    public FreshDatabase() {
        this(System.getenv().getOrDefault("HUBWATCH_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                System.getenv().getOrDefault("HUBWATCH_TEST_PG_USER", "postgres"),
                System.getenv().getOrDefault("HUBWATCH_TEST_PG_PASSWORD", ""));
    }

    /** @param serverUrl a JDBC URL of any existing database on the server, used to create and drop the fresh one */
    public FreshDatabase(String serverUrl, String user, String password) {
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        create(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        drop();
    }

    /** Creates the database; for callers outside JUnit's lifecycle (benchmarks, scripts). */
    public void create(String purpose) throws SQLException {
        String stem = purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        name = "hw_t_" + stem.substring(0, Math.min(stem.length(), 40)) + "_"
                + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    /** Drops the database, closing whatever connections are still open to it. */
    public void drop() throws SQLException {
        if (name == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
        name = null;
    }

    /** The database's name, e.g. {@code hw_t_upcommanditcase_3k9x0f1qz2}. */
    public String name() {
        if (name == null) {
            throw new IllegalStateException("the database exists only between beforeAll and afterAll");
        }
        return name;
    }

    /** A JDBC URL for the fresh database. */
    public String jdbcUrl() {
        int slash = serverUrl.lastIndexOf('/');
        int query = serverUrl.indexOf('?', slash);
        return serverUrl.substring(0, slash + 1) + name() + (query < 0 ? "" : serverUrl.substring(query));
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }
}

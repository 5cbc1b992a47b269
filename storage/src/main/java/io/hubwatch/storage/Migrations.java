package io.hubwatch.storage;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Hubwatch's own schema, applied with Flyway from {@code db/migration} on the classpath ({@code V<version>__<name>.sql},
 * each once, in version order, recorded in {@code flyway_schema_history}). Flyway's PostgreSQL advisory lock makes
 * concurrent starters (the API, a Flink job) wait for each other instead of applying twice. Version ranges: 1-19
 * alerting (rules, silences, incidents), 20-29 business statistics and rollups; 30-39 are the monitored hub's tables
 * in {@link HubSchema}.
 *
 * <p>A database migrated by the hand-written runner that came before Flyway (its {@code schema_migrations} table) is
 * baselined at the highest version that runner recorded, so nothing is applied twice.
 *
 * <pre>{@code
 * Migrations.apply(dataSource);   // idempotent; returns the versions it applied
 * }</pre>
 */
public final class Migrations {
    static final String LOCATION = "classpath:db/migration";
    private static final String LEGACY_TABLE = "schema_migrations";

    private Migrations() {}

    /** One migration file. */
    public record Migration(int version, String name) {}

    /** The migrations on the classpath, in version order (the data source tells which of them are applied). */
    public static List<Migration> available(DataSource dataSource) {
        return Arrays.stream(flyway(dataSource, LOCATION, "flyway_schema_history").load().info().all())
                .map(i -> new Migration(Integer.parseInt(i.getVersion().getVersion()), i.getDescription()))
                .toList();
    }

    /** Applies every pending migration; returns the versions applied now (empty when the schema was current). */
    public static List<Integer> apply(DataSource dataSource) throws SQLException {
        var config = flyway(dataSource, LOCATION, "flyway_schema_history");
        Integer legacy = legacyVersion(dataSource);
        if (legacy != null) {
            config.baselineOnMigrate(true).baselineVersion(String.valueOf(legacy))
                    .baselineDescription("applied by the runner before Flyway");
        }
        return versions(migrate(config.load()));
    }

    /**
     * The same on one open connection (kept open). Flyway asks its data source for more than one connection; here all
     * of them are this one, which works because Flyway uses them one after the other.
     */
    public static List<Integer> apply(Connection c) throws SQLException {
        return apply(new BorrowedConnection(c));
    }

    static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DataSource ds, String location, String table) {
        // baseline 0: a database that holds other tables (the hub's, or Hubwatch's beside the hub's) still gets all
        var config = Flyway.configure().locations(location).table(table).outOfOrder(true)
                .baselineOnMigrate(true).baselineVersion("0");
        // a transaction-level lock would make CREATE INDEX CONCURRENTLY wait forever for Flyway's own transaction
        config.getPluginRegister().getExact(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config.dataSource(ds);
    }

    static MigrateResult migrate(Flyway flyway) throws SQLException {
        try {
            return flyway.migrate();
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw new SQLException("schema migration failed: " + e.getMessage(), e);
        }
    }

    static List<Integer> versions(MigrateResult result) {
        return result.migrations.stream().map(m -> Integer.parseInt(m.version)).toList();
    }

    private static Integer legacyVersion(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('" + LEGACY_TABLE + "') IS NOT NULL, "
                     + "to_regclass('flyway_schema_history') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1) || rs.getBoolean(2)) {
                return null;
            }
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(version) FROM " + LEGACY_TABLE)) {
            rs.next();
            int v = rs.getInt(1);
            return rs.wasNull() ? null : v;
        }
    }

    /** A data source that hands out one caller-owned connection, whose close() is ignored. */
    private record BorrowedConnection(Connection connection) implements DataSource {
        @Override
        public Connection getConnection() {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override public Connection getConnection(String user, String password) { return getConnection(); }
        @Override public PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(PrintWriter out) {}
        @Override public void setLoginTimeout(int seconds) {}
        @Override public int getLoginTimeout() { return 0; }
        @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }
}

package io.hubwatch.storage;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versioned schema migrations: the SQL files listed in {@code db/migration/index.txt} on the classpath, named
 * {@code V<version>__<name>.sql}, applied once each, in version order, each in its own transaction, recorded in
 * {@code schema_migrations}. A PostgreSQL advisory lock makes concurrent starters (the API, a Flink job) wait for each
 * other instead of applying twice. Version ranges: 1-19 alerting (rules, silences, incidents), 20-39 business
 * statistics and rollups.
 *
 * <pre>{@code
 * Migrations.apply(dataSource);   // idempotent; returns the versions it applied
 * }</pre>
 */
public final class Migrations {
    private static final String INDEX = "/db/migration/index.txt";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__([a-z0-9_]+)\\.sql");
    private static final long LOCK_KEY = 0x6875627761746368L; // "hubwatch"

    private Migrations() {}

    /** One migration file. */
    public record Migration(int version, String name, String resource) {}

    /** The migrations on the classpath, in version order. */
    public static List<Migration> available() {
        List<Migration> out = new ArrayList<>();
        Set<Integer> versions = new TreeSet<>();
        for (String file : readResource(INDEX).lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            Matcher m = NAME.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException("migration file name '" + file + "' is not V<version>__<name>.sql");
            }
            int version = Integer.parseInt(m.group(1));
            if (!versions.add(version)) {
                throw new IllegalStateException("two migrations have version " + version);
            }
            out.add(new Migration(version, m.group(2), "/db/migration/" + file));
        }
        out.sort(java.util.Comparator.comparingInt(Migration::version));
        return out;
    }

    public static List<Integer> apply(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return apply(c);
        }
    }

    public static List<Integer> apply(Connection c) throws SQLException {
        List<Integer> applied = new ArrayList<>();
        boolean autoCommit = c.getAutoCommit();
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            try {
                s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                        + "applied_at timestamptz NOT NULL DEFAULT now())");
                Set<Integer> done = new TreeSet<>();
                try (ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations")) {
                    while (rs.next()) {
                        done.add(rs.getInt(1));
                    }
                }
                for (Migration m : available()) {
                    if (done.contains(m.version())) {
                        continue;
                    }
                    c.setAutoCommit(false);
                    try (Statement ddl = c.createStatement();
                         PreparedStatement record = c.prepareStatement(
                                 "INSERT INTO schema_migrations (version, name) VALUES (?, ?)")) {
                        ddl.execute(readResource(m.resource()));
                        record.setInt(1, m.version());
                        record.setString(2, m.name());
                        record.executeUpdate();
                        c.commit();
                        applied.add(m.version());
                    } catch (SQLException e) {
                        c.rollback();
                        throw new SQLException("migration V" + m.version() + "__" + m.name() + " failed: " + e.getMessage(),
                                e.getSQLState(), e);
                    } finally {
                        c.setAutoCommit(true);
                    }
                }
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return applied;
    }

    private static String readResource(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

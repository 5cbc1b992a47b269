package io.hubwatch.dbproxy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;

/**
 * A database of one test class on the machine's primary (127.0.0.1:5432) and its streaming replica (127.0.0.1:5433,
 * made by bin/services), with pg_stat_statements so that each server's statement counts can be read.
 */
final class TestDatabase implements AutoCloseable {
    static final DbProxyConfig.Server PRIMARY = DbProxyConfig.Server.parse("postgres://postgres@127.0.0.1:5432/postgres");
    static final DbProxyConfig.Server REPLICA = DbProxyConfig.Server.parse("postgres://postgres@127.0.0.1:5433/postgres");

    final String name;

    TestDatabase(String prefix) throws SQLException {
        name = prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        try (Connection c = direct(PRIMARY, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        exec(PRIMARY, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        // the replica has it once it has replayed the extension
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = direct(REPLICA, name); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        });
    }

    DbProxyConfig proxyConfig() {
        return DbProxyConfig.of("127.0.0.1", 0, PRIMARY, List.of(REPLICA)).withPool(DbProxyConfig.PoolMode.TRANSACTION, 4);
    }

    Connection viaProxy(DbProxy proxy) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + name, "postgres", "");
    }

    static Connection direct(DbProxyConfig.Server server, String database) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(database), "postgres", "");
    }

    void exec(DbProxyConfig.Server server, String... sql) throws SQLException {
        try (Connection c = direct(server, name); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** How many times statements mentioning {@code marker} ran on that server, from its pg_stat_statements. */
    long calls(DbProxyConfig.Server server, String marker) throws SQLException {
        try (Connection c = direct(server, name); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = "
                     + "(SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '%" + marker + "%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until the replica has replayed everything the primary has written so far. */
    void awaitReplicaCaughtUp() throws SQLException {
        String lsn;
        try (Connection c = direct(PRIMARY, name); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            lsn = rs.getString(1);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = direct(REPLICA, name); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = direct(PRIMARY, "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}

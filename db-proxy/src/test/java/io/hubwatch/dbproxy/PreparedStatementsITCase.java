package io.hubwatch.dbproxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGStatement;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.hubwatch.dbproxy.TestDatabase.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Named prepared statements in transaction pooling: more clients than server connections, each client's statements
 * landing on whichever server connection is free.
 */
class PreparedStatementsITCase {
    private static TestDatabase db;
    private static DbProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        db = new TestDatabase("dbproxy_prepared");
        db.exec(PRIMARY, "CREATE TABLE items (id int PRIMARY KEY, v text)", "CREATE TABLE log (client int, n int)",
                "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 100) g");
        db.awaitReplicaCaughtUp();
        proxy = DbProxy.start(db.proxyConfig().withPool(DbProxyConfig.PoolMode.TRANSACTION, 2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        db.close();
    }

    @Test
    void jdbcKeepsWorkingPastItsPrepareThreshold() throws Exception {
        List<Connection> clients = new ArrayList<>();
        List<PreparedStatement> selects = new ArrayList<>();
        List<PreparedStatement> inserts = new ArrayList<>();
        try {
            for (int c = 0; c < 4; c++) {
                Connection conn = db.viaProxy(proxy);
                clients.add(conn);
                selects.add(conn.prepareStatement("SELECT v FROM items WHERE id = ?"));
                inserts.add(conn.prepareStatement("INSERT INTO log VALUES (?, ?)"));
            }
            for (int round = 1; round <= 20; round++) {
                for (int c = 0; c < 4; c++) {
                    PreparedStatement s = selects.get(c);
                    s.setInt(1, round * 4 + c);
                    try (ResultSet rs = s.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("v" + (round * 4 + c));
                    }
                    PreparedStatement i = inserts.get(c);
                    i.setInt(1, c);
                    i.setInt(2, round);
                    assertThat(i.executeUpdate()).isEqualTo(1);
                }
            }
            assertThat(selects.get(0).unwrap(PGStatement.class).isUseServerPrepare()).as("JDBC uses a named statement").isTrue();
            // closing a statement and preparing it again on the same client also works
            selects.get(0).close();
            try (PreparedStatement again = clients.get(0).prepareStatement("SELECT v FROM items WHERE id = ?")) {
                for (int n = 1; n <= 8; n++) {
                    again.setInt(1, n);
                    try (ResultSet rs = again.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                    }
                }
            }
        } finally {
            for (Connection c : clients) {
                c.close();
            }
        }
        try (Connection c = TestDatabase.direct(PRIMARY, db.name); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT (client, n)) FROM log")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(80);
            assertThat(rs.getInt(2)).isEqualTo(80);
        }
    }

    @Test
    void pgbenchInPreparedModeRunsCleanly() throws Exception {
        run("pgbench", "-i", "-s", "1", "-q", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", db.name);
        db.awaitReplicaCaughtUp();
        String port = String.valueOf(proxy.port());
        String selects = run("pgbench", "-M", "prepared", "-S", "-c", "4", "-j", "1", "-t", "200", "-n",
                "-h", "127.0.0.1", "-p", port, "-U", "postgres", db.name);
        assertThat(selects).contains("number of transactions actually processed: 800/800");
        String writes = run("pgbench", "-M", "prepared", "-c", "4", "-j", "1", "-t", "50", "-n",
                "-h", "127.0.0.1", "-p", port, "-U", "postgres", db.name);
        assertThat(writes).contains("number of transactions actually processed: 200/200");
        try (Connection c = TestDatabase.direct(PRIMARY, db.name); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_history")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(200);
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}

package io.hubwatch.dbproxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.hubwatch.dbproxy.TestDatabase.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Errors a client can act on (SQLSTATE), cancel requests, SCRAM, session pooling. Primary only. */
class ClientsAndPoolsITCase {
    private static TestDatabase db;

    @BeforeAll
    static void create() throws Exception {
        db = new TestDatabase("dbproxy_clients");
    }

    @AfterAll
    static void drop() throws Exception {
        db.close();
    }

    private static DbProxyConfig primaryOnly() {
        return DbProxyConfig.of("127.0.0.1", 0, PRIMARY, List.of());
    }

    @Test
    void anExhaustedPoolAnswers53300AfterTheWaitAndServesAgainWhenFree() throws Exception {
        try (DbProxy proxy = DbProxy.start(primaryOnly().withPool(DbProxyConfig.PoolMode.TRANSACTION, 1)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)));
             Connection holder = db.viaProxy(proxy); Connection other = db.viaProxy(proxy)) {
            holder.setAutoCommit(false);
            holder.createStatement().executeQuery("SELECT 1").close(); // the open transaction holds the one connection
            assertThatThrownBy(() -> other.createStatement().executeQuery("SELECT 2"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("53300");
                        assertThat(e.getMessage()).contains("pool_size 1");
                    });
            holder.commit();
            try (ResultSet rs = other.createStatement().executeQuery("SELECT 2")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(proxy.metrics()).contains("hubwatch_db_pool_wait_timeouts_total{role=\"primary\"").containsPattern(
                    "hubwatch_db_pool_wait_timeouts_total\\{[^}]*} 1\\n");
        }
    }

    /**
     * Answers pass through in runs of whole frames, cut where the server's reads end: a 4 MiB value spans many reads,
     * and 20,000 small rows end reads in the middle of frames; both arrive whole and in order, in both protocols.
     */
    @Test
    void largeAnswersArriveWholeAcrossTheServersReads() throws Exception {
        try (DbProxy proxy = DbProxy.start(primaryOnly()); Connection c = db.viaProxy(proxy); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT repeat('x', 4 << 20) || 'end'")) {
                assertThat(rs.next()).isTrue();
                String big = rs.getString(1);
                assertThat(big).hasSize((4 << 20) + 3).endsWith("xend");
            }
            try (ResultSet rs = s.executeQuery("SELECT i, md5(i::text) FROM generate_series(1, 20000) i")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                    assertThat(rs.getInt(1)).isEqualTo(n);
                }
                assertThat(n).isEqualTo(20000);
            }
            // the simple protocol too, several statements in one message
            s.execute("SELECT 1; SELECT repeat('y', 100000); SELECT 3");
            assertThat(s.getMoreResults()).isTrue();
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                assertThat(rs.getString(1)).hasSize(100000);
            }
        }
    }

    @Test
    void anUnreachablePrimaryIsAConnectionFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DbProxyConfig config = DbProxyConfig.of("127.0.0.1", 0,
                DbProxyConfig.Server.parse("postgres://postgres@127.0.0.1:" + closedPort + "/postgres"), List.of());
        try (DbProxy proxy = DbProxy.start(config)) {
            assertThatThrownBy(() -> db.viaProxy(proxy)).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08006");
                assertThat(e.getMessage()).contains("cannot connect to 127.0.0.1:" + closedPort);
            });
        }
    }

    @Test
    void aCancelRequestReachesTheServerRunningTheQuery() throws Exception {
        try (DbProxy proxy = DbProxy.start(primaryOnly()); Connection c = db.viaProxy(proxy); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(500);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> s.executeQuery("SELECT pg_sleep(20)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            cancel.get();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).as("the session goes on after the cancel").isTrue();
            }
        }
    }

    @Test
    void scramLetsTheRightPasswordInAndKeepsTheWrongOneOut(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("userlist.txt");
        Files.writeString(users, "\"postgres\" \"s3cret\"\n");
        try (DbProxy proxy = DbProxy.start(primaryOnly().withAuth(DbProxyConfig.Auth.SCRAM, users))) {
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name;
            try (Connection c = DriverManager.getConnection(url, "postgres", "s3cret");
                 ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("postgres");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "wrong"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        }
    }

    @Test
    void sessionPoolingKeepsSessionStateBetweenTransactions() throws Exception {
        try (DbProxy proxy = DbProxy.start(primaryOnly().withPool(DbProxyConfig.PoolMode.SESSION, 2));
             Connection c = db.viaProxy(proxy); Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = '1234ms'");
            s.execute("CREATE TEMP TABLE scratch (i int)");
            s.execute("INSERT INTO scratch VALUES (1)");
            try (ResultSet rs = s.executeQuery("SELECT current_setting('statement_timeout'), (SELECT count(*) FROM scratch)")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("1234ms");
                assertThat(rs.getInt(2)).isEqualTo(1);
            }
        }
    }
}

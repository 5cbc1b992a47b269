package io.hubwatch.dbproxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static io.hubwatch.dbproxy.TestDatabase.PRIMARY;
import static io.hubwatch.dbproxy.TestDatabase.REPLICA;
import static org.assertj.core.api.Assertions.assertThat;

/** Where statements run, counted on each server by its pg_stat_statements (real primary and streaming replica). */
class RoutingITCase {
    private static TestDatabase db;
    private static DbProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        db = new TestDatabase("dbproxy_routing");
        db.exec(PRIMARY, "CREATE TABLE reads_only (id int PRIMARY KEY, v text)",
                "CREATE TABLE written (id int PRIMARY KEY, v text)",
                "CREATE TABLE in_tx (id int PRIMARY KEY, v text)",
                "CREATE TABLE hinted (id int PRIMARY KEY, v text)",
                "INSERT INTO reads_only SELECT g, 'v' || g FROM generate_series(1, 100) g");
        db.awaitReplicaCaughtUp();
        proxy = DbProxy.start(db.proxyConfig());
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        db.close();
    }

    @Test
    void readsLandOnTheReplicaAndWritesOnThePrimary() throws Exception {
        try (Connection reader = db.viaProxy(proxy); Connection writer = db.viaProxy(proxy);
             Statement r = reader.createStatement(); Statement w = writer.createStatement()) {
            for (int i = 1; i <= 20; i++) {
                try (ResultSet rs = r.executeQuery("SELECT v FROM reads_only WHERE id = " + i)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("v" + i);
                }
            }
            for (int i = 1; i <= 10; i++) {
                w.executeUpdate("INSERT INTO written VALUES (" + i + ", 'x')");
            }
        }
        assertThat(db.calls(REPLICA, "reads_only")).isEqualTo(20);
        assertThat(db.calls(PRIMARY, "FROM reads_only")).isZero();
        assertThat(db.calls(PRIMARY, "INSERT INTO written")).isEqualTo(10);
    }

    @Test
    void aReadWriteTransactionStaysOnThePrimary() throws Exception {
        try (Connection c = db.viaProxy(proxy)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT count(*) FROM in_tx").close();
                s.executeUpdate("INSERT INTO in_tx VALUES (1, 'a')");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM in_tx")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
            c.commit();
        }
        assertThat(db.calls(PRIMARY, "FROM in_tx")).isEqualTo(2);
        assertThat(db.calls(REPLICA, "in_tx")).isZero();
    }

    @Test
    void theCommentSendsAReadToThePrimary() throws Exception {
        try (Connection c = db.viaProxy(proxy); Statement s = c.createStatement()) {
            s.executeQuery("/* hubwatch:primary */ SELECT count(*) FROM hinted").close();
            s.executeQuery("SELECT count(*) FROM hinted").close();
        }
        assertThat(db.calls(PRIMARY, "FROM hinted")).isEqualTo(1);
        assertThat(db.calls(REPLICA, "FROM hinted")).isEqualTo(1);
    }
}

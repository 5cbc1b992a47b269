package io.hubwatch.dbproxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.hubwatch.dbproxy.TestDatabase.PRIMARY;
import static io.hubwatch.dbproxy.TestDatabase.REPLICA;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the replica applying WAL 2 s late, a session that writes still reads its own rows (the proxy sends its reads to
 * the primary until the replica has replayed the session's commit), while another session's reads stay on the replica.
 */
class ReadYourWritesITCase {
    private static TestDatabase db;
    private static DbProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        db = new TestDatabase("dbproxy_ryw");
        db.exec(PRIMARY, "CREATE TABLE mine (id int PRIMARY KEY)", "CREATE TABLE theirs (id int PRIMARY KEY)",
                "INSERT INTO theirs SELECT generate_series(1, 10)");
        db.awaitReplicaCaughtUp();
        setApplyDelay("2s");
        // lag is 2 s by design here; the limit stays above it so the replica keeps serving
        proxy = DbProxy.start(db.proxyConfig().withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() throws Exception {
        setApplyDelay("0");
        if (proxy != null) {
            proxy.close();
        }
        db.close();
    }

    private static void setApplyDelay(String delay) throws Exception {
        try (Connection c = TestDatabase.direct(REPLICA, "postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + delay + "'");
            s.execute("SELECT pg_reload_conf()");
        }
    }

    @Test
    void aWritingSessionSeesEachOfItsRowsWhileOthersStillReadTheReplica() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> otherReads = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            try (Connection other = db.viaProxy(proxy); Statement s = other.createStatement()) {
                while (writing.get() || n < 20) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM theirs")) {
                        rs.next();
                        n++;
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return n;
        });

        int seen = 0;
        try (Connection c = db.viaProxy(proxy);
             PreparedStatement insert = c.prepareStatement("INSERT INTO mine VALUES (?)");
             PreparedStatement select = c.prepareStatement("SELECT count(*) FROM mine WHERE id = ?")) {
            for (int i = 1; i <= 500; i++) {
                insert.setInt(1, i);
                insert.executeUpdate();
                select.setInt(1, i);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    seen += rs.getInt(1);
                }
            }
        } finally {
            writing.set(false);
        }
        int replicaRowsRightAfter;
        try (Connection r = TestDatabase.direct(REPLICA, db.name); Statement s = r.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM mine")) {
            rs.next();
            replicaRowsRightAfter = rs.getInt(1);
        }

        assertThat(seen).as("rows the writing session read back").isEqualTo(500);
        assertThat(replicaRowsRightAfter).as("the replica really was behind").isLessThan(500);
        assertThat(db.calls(PRIMARY, "FROM mine WHERE") + db.calls(REPLICA, "FROM mine WHERE")).isEqualTo(500);
        int others = otherReads.get();
        assertThat(db.calls(REPLICA, "FROM theirs")).as("the other session's reads on the replica").isEqualTo(others);
        assertThat(db.calls(PRIMARY, "FROM theirs")).isZero();
    }
}

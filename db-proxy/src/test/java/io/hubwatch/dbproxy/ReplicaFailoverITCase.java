package io.hubwatch.dbproxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.hubwatch.dbproxy.TestDatabase.PRIMARY;
import static io.hubwatch.dbproxy.TestDatabase.REPLICA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The replica (the cluster bin/services made) is stopped in the middle of a read load, then started again. */
class ReplicaFailoverITCase {
    private static TestDatabase db;
    private static DbProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        db = new TestDatabase("dbproxy_failover");
        db.exec(PRIMARY, "CREATE TABLE catalog (id int PRIMARY KEY, v text)",
                "INSERT INTO catalog SELECT g, 'v' || g FROM generate_series(1, 1000) g");
        db.awaitReplicaCaughtUp();
        proxy = DbProxy.start(db.proxyConfig());
    }

    @AfterAll
    static void stop() throws Exception {
        replica("start");
        if (proxy != null) {
            proxy.close();
        }
        db.close();
    }

    @Test
    void noReadFailsWhileTheReplicaIsDownAndItServesAgainOnceBack() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            try (Connection c = db.viaProxy(proxy); Statement s = c.createStatement()) {
                while (running.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM catalog WHERE id <= 500")) {
                        rs.next();
                        if (rs.getInt(1) != 500) {
                            failures.incrementAndGet();
                        }
                        reads.incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                failures.incrementAndGet();
            }
        });
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> db.calls(REPLICA, "FROM catalog") >= 50);
            replica("stop");
            int atStop = reads.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> reads.get() >= atStop + 200);
            replica("start");
            // counts start from zero on the restarted replica: any read there means it is in use again
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> db.calls(REPLICA, "FROM catalog") >= 20);
        } finally {
            running.set(false);
            load.get();
        }
        assertThat(failures.get()).as("failed reads out of " + reads.get()).isZero();
        assertThat(proxy.metrics()).contains("hubwatch_db_replica_up{replica=\"127.0.0.1:5433\"} 1");
    }

    /** pg_ctlcluster on the replica cluster that bin/services creates beside the primary. */
    static void replica(String action) throws Exception {
        String version;
        try (Connection c = TestDatabase.direct(PRIMARY, "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            version = rs.getString(1);
        }
        Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "replica", action, "-m", "fast")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        if (code != 0 && !out.contains("already running")) {
            throw new IllegalStateException("pg_ctlcluster " + action + " failed (" + code + "): " + out);
        }
    }
}

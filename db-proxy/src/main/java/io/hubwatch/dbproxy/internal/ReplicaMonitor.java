package io.hubwatch.dbproxy.internal;

import io.hubwatch.dbproxy.DbProxyConfig.Server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checks every second whether each replica answers, is in recovery, and how far it lags: by replay position against
 * the primary's current WAL position (zero when it has replayed everything), else by the age of the last replayed
 * transaction. A replica that fails or lags past the limit gets no reads until a later check finds it well again.
 */
final class ReplicaMonitor implements AutoCloseable {
    /** What the router reads (from the event loop) and the checker writes (from its thread). */
    static final class Replica {
        final Server server;
        final int index;
        volatile boolean healthy;
        volatile long replayLsn;
        volatile double lagSeconds = Double.NaN;
        volatile String problem = "not checked yet";
        Connection connection;

        Replica(Server server, int index) {
            this.server = server;
            this.index = index;
        }

        /** Taken out at once when a connection to it fails; the next good check brings it back. */
        void markDown(String why) {
            healthy = false;
            problem = why;
        }
    }

    final List<Replica> replicas;
    private final Server primary;
    private final Duration maxLag;
    private final ScheduledExecutorService timer;
    private Connection primaryConnection;
    volatile long primaryLsn;
    volatile DatabaseStats databaseStats;
    private static final long HISTORY_NANOS = 120_000_000_000L;
    /** The primary's WAL position at each check: {nanoTime, lsn}, oldest first. */
    private final java.util.ArrayDeque<long[]> history = new java.util.ArrayDeque<>();

    /** pgjdbc's TLS settings, the same as the proxy's own server connections use. */
    private final Properties tls = new Properties();

    ReplicaMonitor(Server primary, List<Server> replicas, Duration maxLag, io.hubwatch.dbproxy.DbProxyConfig.Tls tls) {
        this.tls.setProperty("sslmode", tls.servers().setting());
        if (tls.serverCaFile() != null) {
            this.tls.setProperty("sslrootcert", tls.serverCaFile().toString());
        }
        this.primary = primary;
        this.maxLag = maxLag;
        this.replicas = java.util.stream.IntStream.range(0, replicas.size()).mapToObj(i -> new Replica(replicas.get(i), i)).toList();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "db-proxy-health");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        checkNow();
        timer.scheduleWithFixedDelay(this::checkNow, 1, 1, TimeUnit.SECONDS);
    }

    synchronized void checkNow() {
        try {
            primaryConnection = reconnect(primaryConnection, primary);
            try (Statement s = primaryConnection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                primaryLsn = Lsn.parse(rs.getString(1));
            }
            long now = System.nanoTime();
            history.addLast(new long[]{now, primaryLsn});
            while (now - history.peekFirst()[0] > HISTORY_NANOS) {
                history.pollFirst();
            }
            databaseStats = DatabaseStats.read(primaryConnection, primary.database());
        } catch (SQLException e) {
            primaryConnection = closeQuietly(primaryConnection);
        }
        for (Replica r : replicas) {
            check(r);
        }
    }

    private void check(Replica r) {
        try {
            r.connection = reconnect(r.connection, r.server);
            try (Statement s = r.connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")) {
                rs.next();
                boolean recovering = rs.getBoolean(1);
                long replay = Lsn.parse(rs.getString(2));
                double lag = lagSeconds(replay, System.nanoTime());
                r.replayLsn = replay;
                r.lagSeconds = lag;
                if (!recovering) {
                    r.markDown("not in recovery (promoted?)");
                } else if (lag > maxLag.toMillis() / 1000.0) {
                    r.markDown(String.format("lags %.1f s (limit %d ms)", lag, maxLag.toMillis()));
                } else {
                    r.problem = null;
                    r.healthy = true;
                }
            }
        } catch (SQLException e) {
            r.connection = closeQuietly(r.connection);
            r.markDown("unreachable: " + e.getMessage());
        }
    }

    /**
     * How long ago the primary first had WAL that the replica has not replayed yet: the time of the oldest primary
     * position sample beyond the replica's replay position. (The age of the last replayed transaction would overstate
     * the lag whenever the primary writes WAL without committing anything.)
     */
    double lagSeconds(long replayLsn, long nowNanos) {
        if (replayLsn >= primaryLsn) {
            return 0;
        }
        for (long[] sample : history) {
            if (sample[1] > replayLsn) {
                return (nowNanos - sample[0]) / 1e9;
            }
        }
        return HISTORY_NANOS / 1e9;
    }

    private Connection reconnect(Connection c, Server server) throws SQLException {
        if (c != null && !c.isClosed()) {
            return c;
        }
        Properties p = new Properties();
        p.putAll(tls);
        p.setProperty("user", server.user());
        p.setProperty("password", server.password());
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "3");
        p.setProperty("ApplicationName", "hubwatch-db-proxy-health");
        return DriverManager.getConnection(server.jdbcUrl(server.database()), p);
    }

    private static Connection closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already gone
            }
        }
        return null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        primaryConnection = closeQuietly(primaryConnection);
        replicas.forEach(r -> r.connection = closeQuietly(r.connection));
    }
}

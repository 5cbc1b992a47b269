package io.hubwatch.dbproxy.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Server connections to one server for one database and user: at most {@code size}, lent to one client at a time;
 * clients beyond that wait in order, up to a bound, then get SQLSTATE 53300.
 */
final class Pool {
    record Key(String host, int port, String database, String user) {
        String address() {
            return host + ":" + port;
        }
    }

    /** Someone waiting for a connection. */
    interface Lease {
        void granted(ServerConn conn);

        void refused(String sqlState, String reason);
    }

    final Key key;
    final String password;
    final String role; // "primary" or "replica"
    private final EventLoop loop;
    private final int size;
    private final Duration waitTimeout;
    private final Deque<ServerConn> idle = new ArrayDeque<>();
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private int open; // connected or connecting
    final PoolStats stats;
    volatile java.util.Map<String, String> parameters;

    private final class Waiter {
        final Lease lease;
        final long since = System.nanoTime();
        ScheduledFuture<?> timeout;

        Waiter(Lease lease) {
            this.lease = lease;
        }
    }

    final TlsContexts tls;

    Pool(EventLoop loop, Key key, String password, String role, int size, Duration waitTimeout, PoolStats stats, TlsContexts tls) {
        this.tls = tls;
        this.loop = loop;
        this.key = key;
        this.password = password;
        this.role = role;
        this.size = size;
        this.waitTimeout = waitTimeout;
        this.stats = stats;
    }

    void acquire(Lease lease) {
        ServerConn conn;
        while ((conn = idle.pollFirst()) != null) {
            if (!conn.broken && conn.channel.isActive()) {
                grant(conn, lease, System.nanoTime());
                return;
            }
            closeQuietly(conn);
        }
        if (open < size) {
            open++;
            long since = System.nanoTime();
            ServerConn.open(loop, this, c -> {
                parameters = java.util.Map.copyOf(c.parameters);
                grant(c, lease, since);
            }, (sqlState, reason) -> {
                open--;
                lease.refused(sqlState, "hubwatch: " + reason);
                serveNextWaiter();
            });
            return;
        }
        Waiter w = new Waiter(lease);
        w.timeout = loop.schedule(() -> {
            if (waiters.remove(w)) {
                stats.waitTimeouts.increment();
                lease.refused("53300", "hubwatch: no server connection to " + role + " " + key.address()
                        + " became free within " + waitTimeout.toMillis() + " ms (pool_size " + size + ")");
            }
        }, waitTimeout.toNanos(), TimeUnit.NANOSECONDS);
        waiters.addLast(w);
    }

    private void grant(ServerConn conn, Lease lease, long since) {
        stats.waitNanos.add(System.nanoTime() - since);
        stats.waits.increment();
        conn.lentAtNanos = System.nanoTime();
        lease.granted(conn);
    }

    /** Takes a connection back; a broken one is closed and its place offered to the next waiter. */
    void release(ServerConn conn) {
        conn.owner = null;
        stats.busyNanos.add(System.nanoTime() - conn.lentAtNanos);
        if (conn.broken || !conn.channel.isActive()) {
            closeQuietly(conn);
            return;
        }
        Waiter w = waiters.pollFirst();
        if (w != null) {
            w.timeout.cancel(false);
            grant(conn, w.lease, w.since);
        } else {
            idle.addFirst(conn);
        }
    }

    /** The connection closed (the server went away); forget it. */
    void gone(ServerConn conn) {
        if (idle.remove(conn)) {
            open--;
            serveNextWaiter();
        }
    }

    private void closeQuietly(ServerConn conn) {
        open--;
        conn.close();
        serveNextWaiter();
    }

    private void serveNextWaiter() {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            w.timeout.cancel(false);
            acquire(w.lease);
        }
    }

    /** Drops idle connections (e.g. after the server was found down). */
    void closeIdle() {
        for (Iterator<ServerConn> it = idle.iterator(); it.hasNext(); ) {
            ServerConn c = it.next();
            it.remove();
            open--;
            c.close();
        }
    }

    int idleCount() {
        return idle.size();
    }

    int openCount() {
        return open;
    }

    int waitingCount() {
        return waiters.size();
    }
}

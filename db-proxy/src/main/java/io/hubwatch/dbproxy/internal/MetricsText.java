package io.hubwatch.dbproxy.internal;

import java.util.Locale;

/** Renders the proxy's state in Prometheus' text format (base units, {@code _total} on counters). */
final class MetricsText {
    private final Engine engine;
    private final StringBuilder out = new StringBuilder();

    MetricsText(Engine engine) {
        this.engine = engine;
    }

    String render() {
        help("hubwatch_db_clients", "gauge", "client connections open now");
        line("hubwatch_db_clients", "", engine.clients.sum());
        help("hubwatch_db_clients_total", "counter", "client connections accepted");
        line("hubwatch_db_clients_total", "", engine.clientsTotal.sum());
        help("hubwatch_db_pool_server_connections", "gauge", "server connections per pool and state");
        engine.pools.forEach((k, p) -> {
            line("hubwatch_db_pool_server_connections", labels(p, "state", "idle"), p.idleCount());
            line("hubwatch_db_pool_server_connections", labels(p, "state", "active"), p.openCount() - p.idleCount());
        });
        help("hubwatch_db_pool_waiting_clients", "gauge", "clients waiting for a server connection");
        engine.pools.forEach((k, p) -> line("hubwatch_db_pool_waiting_clients", labels(p, null, null), p.waitingCount()));
        counter("hubwatch_db_pool_transactions_total", "server connections lent (transactions in transaction pooling)", p -> p.stats.transactions.sum());
        counter("hubwatch_db_pool_queries_total", "queries and executions by route", p -> p.stats.queries.sum());
        counter("hubwatch_db_pool_wait_seconds_sum", "time clients waited for a server connection", p -> p.stats.waitNanos.sum() / 1e9);
        counter("hubwatch_db_pool_wait_seconds_count", "server connection waits", p -> p.stats.waits.sum());
        counter("hubwatch_db_pool_wait_timeouts_total", "clients refused with SQLSTATE 53300 after waiting", p -> p.stats.waitTimeouts.sum());
        counter("hubwatch_db_pool_busy_seconds_total", "time server connections were lent out", p -> p.stats.busyNanos.sum() / 1e9);
        counter("hubwatch_db_pool_failovers_total", "reads moved off a failing replica", p -> p.stats.failovers.sum());
        help("hubwatch_db_replica_up", "gauge", "1 when the replica gets reads");
        help("hubwatch_db_replica_lag_seconds", "gauge", "replay lag behind the primary");
        for (ReplicaMonitor.Replica r : engine.monitor.replicas) {
            String l = "{replica=\"" + r.server.address() + "\"}";
            line("hubwatch_db_replica_up", l, r.healthy ? 1 : 0);
            line("hubwatch_db_replica_lag_seconds", l, r.lagSeconds);
        }
        DatabaseStats d = engine.monitor.databaseStats;
        if (d != null) {
            String l = "{database=\"" + d.database() + "\"}";
            help("hubwatch_db_database_transactions_total", "counter", "committed and rolled back transactions");
            line("hubwatch_db_database_transactions_total", "{database=\"" + d.database() + "\",outcome=\"commit\"}", d.commits());
            line("hubwatch_db_database_transactions_total", "{database=\"" + d.database() + "\",outcome=\"rollback\"}", d.rollbacks());
            help("hubwatch_db_database_cache_hit_ratio", "gauge", "share of block reads served from shared buffers");
            line("hubwatch_db_database_cache_hit_ratio", l, d.cacheHitRatio());
            help("hubwatch_db_database_dead_tuples", "gauge", "dead tuples in user tables");
            line("hubwatch_db_database_dead_tuples", l, d.deadTuples());
            help("hubwatch_db_database_size_bytes", "gauge", "database size");
            line("hubwatch_db_database_size_bytes", l, d.sizeBytes());
            help("hubwatch_db_database_connections", "gauge", "server connections by state");
            d.connectionsByState().forEach((state, n) ->
                    line("hubwatch_db_database_connections", "{database=\"" + d.database() + "\",state=\"" + state + "\"}", n));
        }
        return out.toString();
    }

    private void counter(String name, String help, java.util.function.Function<Pool, Number> value) {
        help(name, name.endsWith("_total") ? "counter" : "untyped", help);
        engine.pools.forEach((k, p) -> line(name, labels(p, null, null), value.apply(p).doubleValue()));
    }

    private static String labels(Pool p, String extraKey, String extraValue) {
        String base = "role=\"" + p.role + "\",server=\"" + p.key.address() + "\",database=\"" + p.key.database()
                + "\",user=\"" + p.key.user() + "\"";
        return "{" + base + (extraKey == null ? "" : "," + extraKey + "=\"" + extraValue + "\"") + "}";
    }

    private void help(String name, String type, String text) {
        out.append("# HELP ").append(name).append(' ').append(text).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void line(String name, String labels, double value) {
        out.append(name).append(labels).append(' ')
                .append(value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value)
                        : String.format(Locale.ROOT, "%.6f", value))
                .append('\n');
    }
}

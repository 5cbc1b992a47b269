package io.hubwatch.api.db;

import io.hubwatch.api.http.ApiException;
import io.hubwatch.api.http.ApiRequest;
import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The database monitor in the alerts API, read from PostgreSQL's statistics views of the API's own database:
 * <ul>
 *   <li>{@code GET /api/v1/db/health}: connections by state (and against {@code max_connections}), transactions,
 *       cache hit ratio, size, dead tuples, each streaming replica's replay lag, and a verdict: 200 {@code "up"}, or
 *       503 {@code "degraded"} with the reasons (a replica more than 5 s behind, connections at 90% of the limit, a
 *       cache hit ratio under 0.9 after 10,000 block reads) or {@code "down"} when the database does not answer;</li>
 *   <li>{@code GET /api/v1/db/tables}: the largest tables with live and dead tuples and sequential/index scans;</li>
 *   <li>{@code GET /api/v1/db/statements?limit=10}: the statements with the most total time, from
 *       {@code pg_stat_statements} (404 naming the fix when the extension is missing).</li>
 * </ul>
 * The PostgreSQL proxy's pools report on the proxy's own {@code /metrics} and, as {@code db_*} series, on the
 * {@code metrics} topic.
 */
public final class DbRoutes implements ApiRoutes {
    static final double MAX_REPLICA_LAG_SECONDS = 5;
    static final double MIN_CACHE_HIT_RATIO = 0.9;
    static final double MAX_CONNECTION_SHARE = 0.9;

    private final DataSource pool;

    public DbRoutes(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/db/health", request -> health());
        routes.get("/api/v1/db/tables", request -> tables());
        routes.get("/api/v1/db/statements", this::statements);
    }

    private ApiResponse health() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_database(), xact_commit, xact_rollback, blks_hit, blks_read, "
                    + "pg_database_size(current_database()) FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                out.put("database", rs.getString(1));
                out.put("transactions", Map.of("commit", rs.getLong(2), "rollback", rs.getLong(3)));
                long hit = rs.getLong(4);
                long read = rs.getLong(5);
                Double ratio = hit + read == 0 ? null : (double) hit / (hit + read);
                out.put("cache_hit_ratio", ratio);
                if (ratio != null && hit + read >= 10_000 && ratio < MIN_CACHE_HIT_RATIO) {
                    reasons.add(String.format("cache hit ratio %.3f is under %.1f", ratio, MIN_CACHE_HIT_RATIO));
                }
                out.put("size_bytes", rs.getLong(6));
            }
            Map<String, Long> byState = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT coalesce(state, 'background'), count(*) FROM pg_stat_activity "
                    + "WHERE datname = current_database() GROUP BY 1 ORDER BY 1")) {
                while (rs.next()) {
                    byState.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*), current_setting('max_connections')::int FROM pg_stat_activity "
                    + "WHERE backend_type = 'client backend'")) {
                rs.next();
                long all = rs.getLong(1);
                int max = rs.getInt(2);
                out.put("connections", Map.of("by_state", byState, "server_total", all, "max_connections", max));
                if (all >= MAX_CONNECTION_SHARE * max) {
                    reasons.add(all + " of " + max + " connections in use");
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables")) {
                rs.next();
                out.put("dead_tuples", rs.getLong(1));
            }
            List<Map<String, Object>> replicas;
            // replay_lag is null once a replica has caught up and the primary is idle: that is no lag
            try (ResultSet rs = s.executeQuery("SELECT application_name, coalesce(client_addr::text, 'local'), state, "
                    + "coalesce(extract(epoch FROM replay_lag), 0)::float8 FROM pg_stat_replication ORDER BY 1, 2")) {
                replicas = rows(rs, "name", "address", "state", "replay_lag_seconds");
            }
            for (Map<String, Object> r : replicas) {
                double lag = (Double) r.get("replay_lag_seconds");
                if (lag > MAX_REPLICA_LAG_SECONDS) {
                    reasons.add("replica " + r.get("name") + " is " + lag + " s behind");
                }
            }
            out.put("replicas", replicas);
        } catch (SQLException e) {
            Map<String, Object> down = new LinkedHashMap<>();
            down.put("status", "down");
            down.put("error", e.getMessage());
            return ApiResponse.of(503, down);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", reasons.isEmpty() ? "up" : "degraded");
        answer.put("reasons", reasons);
        answer.putAll(out);
        return ApiResponse.of(reasons.isEmpty() ? 200 : 503, answer);
    }

    private ApiResponse tables() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT schemaname || '.' || relname, pg_total_relation_size(relid), n_live_tup, "
                     + "n_dead_tup, seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                     + "ORDER BY pg_total_relation_size(relid) DESC, relname LIMIT 100")) {
            return ApiResponse.ok(Map.of("tables", rows(rs, "table", "size_bytes", "live_tuples", "dead_tuples",
                    "seq_scans", "index_scans")));
        }
    }

    private ApiResponse statements(ApiRequest request) throws SQLException {
        request.onlyQueryParams(Set.of("limit"));
        int limit = 10;
        String text = request.queryParam("limit");
        if (text != null) {
            try {
                limit = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw ApiException.badRequest("limit '" + text + "' is not a number from 1 to 100", "limit");
            }
        }
        try (Connection c = pool.getConnection()) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_database(), "
                         + "EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')")) {
                rs.next();
                if (!rs.getBoolean(2)) {
                    throw ApiException.notFound("pg_stat_statements is not installed in database " + rs.getString(1)
                            + " (CREATE EXTENSION pg_stat_statements; the server needs it in shared_preload_libraries)");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT query, calls, total_exec_time, mean_exec_time, rows "
                    + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    + "ORDER BY total_exec_time DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    return ApiResponse.ok(Map.of("statements",
                            rows(rs, "query", "calls", "total_ms", "mean_ms", "rows")));
                }
            }
        }
    }

    /**
     * Every row of {@code rs} as a JSON object, its columns named in order. Values are what the driver reads for the
     * column's type (bigint a long, float8 a double, text a string), so a query casts where the JSON wants a type.
     */
    static List<Map<String, Object>> rows(ResultSet rs, String... names) throws SQLException {
        if (rs.getMetaData().getColumnCount() != names.length) {
            throw new IllegalArgumentException(names.length + " names for " + rs.getMetaData().getColumnCount()
                    + " columns");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                row.put(names[i], rs.getObject(i + 1));
            }
            rows.add(row);
        }
        return rows;
    }
}

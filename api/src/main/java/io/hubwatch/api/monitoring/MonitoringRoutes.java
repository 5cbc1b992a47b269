package io.hubwatch.api.monitoring;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hubwatch.api.http.ApiRequest;
import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;
import io.hubwatch.events.EventJson;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The monitoring API, read from the one-minute rollups the business statistics job writes ({@code V20__rollups}):
 * <ul>
 *   <li>{@code GET /api/v1/monitoring/system?host=&metric=&from=&to=&step=}: metric series (system metrics and
 *       anything else on {@code metrics}) per step: mean, min, max, last value and sample count;</li>
 *   <li>{@code GET /api/v1/monitoring/business?from=&to=}: per endpoint (calls, errors, error rate, worst-minute
 *       p95 and per-minute p50/p95/p99), per model (calls, tokens, cost), active users and sessions per minute, and
 *       per page the web vitals' p75;</li>
 *   <li>{@code GET /api/v1/monitoring/dashboard}: now: each endpoint's latest minute (error rate, p95), the last
 *       hour's models and web vitals, active users, firing incidents by severity, and how far behind the statistics
 *       job is.</li>
 * </ul>
 * Percentiles are not merged across minutes (a rollup row holds the minute's percentiles, not its sketch); ranges
 * report the worst minute instead.
 *
 * <pre>{@code
 * curl -H "Authorization: Bearer $TOKEN" "$API/api/v1/monitoring/system?metric=cpu_usage&from=-6h&step=5m"
 * }</pre>
 */
public final class MonitoringRoutes implements ApiRoutes {
    private static final Set<String> SYSTEM_PARAMS = Set.of("host", "metric", "from", "to", "step");
    private static final Set<String> BUSINESS_PARAMS = Set.of("from", "to");
    private static final int MAX_POINTS = 1_440;
    private static final int MAX_SERIES = 500;
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final DataSource pool;

    public MonitoringRoutes(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/monitoring/system", this::system);
        routes.get("/api/v1/monitoring/business", this::business);
        routes.get("/api/v1/monitoring/dashboard", request -> dashboard());
    }

    private ApiResponse system(ApiRequest request) throws SQLException {
        request.onlyQueryParams(SYSTEM_PARAMS);
        TimeRange range = TimeRange.of(request, Duration.ofHours(1));
        long step = range.stepMinutes(request.queryParam("step"), MAX_POINTS);
        String host = blankToNull(request.queryParam("host"));
        String metric = blankToNull(request.queryParam("metric"));
        StringBuilder sql = new StringBuilder("SELECT series_key, metric, host, labels::text, "
                + "to_timestamp(floor(extract(epoch FROM minute) / ?) * ?) AS bucket, sum(samples), min(min), max(max), "
                + "sum(avg * samples) / sum(samples), (array_agg(last ORDER BY minute DESC))[1] "
                + "FROM metric_minute WHERE minute >= ? AND minute < ?");
        List<Object> args = new ArrayList<>(List.of(step * 60, step * 60, Timestamp.from(range.from()), Timestamp.from(range.to())));
        if (host != null) {
            sql.append(" AND host = ?");
            args.add(host);
        }
        if (metric != null) {
            sql.append(" AND metric = ?");
            args.add(metric);
        }
        sql.append(" GROUP BY series_key, metric, host, labels::text, bucket ORDER BY series_key, bucket");
        Map<String, Map<String, Object>> series = new LinkedHashMap<>();
        boolean truncated = false;
        try (Connection c = pool.getConnection(); PreparedStatement ps = prepare(c, sql.toString(), args);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = rs.getString(1);
                Map<String, Object> s = series.get(key);
                if (s == null) {
                    if (series.size() == MAX_SERIES) {
                        truncated = true;
                        break;
                    }
                    s = new LinkedHashMap<>();
                    s.put("seriesKey", key);
                    s.put("metric", rs.getString(2));
                    s.put("host", rs.getString(3));
                    s.put("labels", json(rs.getString(4)));
                    s.put("points", new ArrayList<Map<String, Object>>());
                    series.put(key, s);
                }
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("t", rs.getTimestamp(5).toInstant().toString());
                point.put("samples", rs.getLong(6));
                point.put("min", rs.getDouble(7));
                point.put("max", rs.getDouble(8));
                point.put("avg", rs.getDouble(9));
                point.put("last", rs.getDouble(10));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> points = (List<Map<String, Object>>) s.get("points");
                points.add(point);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", range.from().toString());
        out.put("to", range.to().toString());
        out.put("step", step + "m");
        out.put("series", new ArrayList<>(series.values()));
        out.put("truncated", truncated);
        return ApiResponse.ok(out);
    }

    private ApiResponse business(ApiRequest request) throws SQLException {
        request.onlyQueryParams(BUSINESS_PARAMS);
        TimeRange range = TimeRange.of(request, Duration.ofHours(1));
        try (Connection c = pool.getConnection()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("from", range.from().toString());
            out.put("to", range.to().toString());
            out.put("endpoints", endpoints(c, range));
            out.put("models", models(c, range));
            out.put("activity", rows(c, "SELECT minute, active_users, active_sessions FROM api_activity_minute "
                    + "WHERE minute >= ? AND minute < ? ORDER BY minute", range, rs -> map(
                    "t", rs.getTimestamp(1).toInstant().toString(), "activeUsers", rs.getLong(2), "activeSessions", rs.getLong(3))));
            out.put("webVitals", vitals(c, range));
            return ApiResponse.ok(out);
        }
    }

    private static List<Map<String, Object>> endpoints(Connection c, TimeRange range) throws SQLException {
        Map<String, Map<String, Object>> byEndpoint = new LinkedHashMap<>();
        for (Map<String, Object> row : rows(c, "SELECT endpoint, minute, calls, errors, error_rate, p50_ms, p95_ms, p99_ms "
                + "FROM api_endpoint_minute WHERE minute >= ? AND minute < ? ORDER BY endpoint, minute", range, rs -> map(
                "endpoint", rs.getString(1), "t", rs.getTimestamp(2).toInstant().toString(), "calls", rs.getLong(3),
                "errors", rs.getLong(4), "errorRate", rs.getDouble(5), "p50Ms", rs.getDouble(6), "p95Ms", rs.getDouble(7),
                "p99Ms", rs.getDouble(8)))) {
            String endpoint = (String) row.remove("endpoint");
            Map<String, Object> e = byEndpoint.computeIfAbsent(endpoint, k -> map("endpoint", k, "calls", 0L, "errors", 0L,
                    "errorRate", 0.0, "worstP95Ms", 0.0, "minutes", new ArrayList<Map<String, Object>>()));
            e.put("calls", (Long) e.get("calls") + (Long) row.get("calls"));
            e.put("errors", (Long) e.get("errors") + (Long) row.get("errors"));
            e.put("worstP95Ms", Math.max((Double) e.get("worstP95Ms"), (Double) row.get("p95Ms")));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> minutes = (List<Map<String, Object>>) e.get("minutes");
            minutes.add(row);
        }
        for (Map<String, Object> e : byEndpoint.values()) {
            long calls = (Long) e.get("calls");
            e.put("errorRate", calls == 0 ? 0.0 : 100.0 * (Long) e.get("errors") / calls);
        }
        return new ArrayList<>(byEndpoint.values());
    }

    private static List<Map<String, Object>> models(Connection c, TimeRange range) throws SQLException {
        return rows(c, "SELECT model, sum(calls), sum(prompt_tokens), sum(completion_tokens), sum(cost) FROM api_model_minute "
                + "WHERE minute >= ? AND minute < ? GROUP BY model ORDER BY sum(cost) DESC, model", range, rs -> map(
                "model", rs.getString(1), "calls", rs.getLong(2), "promptTokens", rs.getLong(3),
                "completionTokens", rs.getLong(4), "cost", rs.getDouble(5)));
    }

    private static List<Map<String, Object>> vitals(Connection c, TimeRange range) throws SQLException {
        return rows(c, "SELECT page, name, sum(samples), max(p75), (array_agg(p75 ORDER BY minute DESC))[1] "
                + "FROM web_vital_minute WHERE minute >= ? AND minute < ? GROUP BY page, name ORDER BY page, name", range,
                rs -> map("page", rs.getString(1), "name", rs.getString(2), "samples", rs.getLong(3),
                        "worstP75", rs.getDouble(4), "latestP75", rs.getDouble(5)));
    }

    private ApiResponse dashboard() throws SQLException {
        Instant now = Instant.now();
        TimeRange lastHour = new TimeRange(now.minus(Duration.ofHours(1)), now);
        try (Connection c = pool.getConnection()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("at", now.toString());
            out.put("endpoints", rows(c, "SELECT DISTINCT ON (endpoint) endpoint, minute, calls, errors, error_rate, p50_ms, "
                    + "p95_ms, p99_ms FROM api_endpoint_minute WHERE minute >= ? AND minute < ? "
                    + "ORDER BY endpoint, minute DESC", new TimeRange(now.minus(Duration.ofMinutes(15)), now), rs -> map(
                    "endpoint", rs.getString(1), "minute", rs.getTimestamp(2).toInstant().toString(), "calls", rs.getLong(3),
                    "errors", rs.getLong(4), "errorRate", rs.getDouble(5), "p50Ms", rs.getDouble(6),
                    "p95Ms", rs.getDouble(7), "p99Ms", rs.getDouble(8))));
            out.put("models", models(c, lastHour));
            List<Map<String, Object>> activity = rows(c, "SELECT minute, active_users, active_sessions FROM api_activity_minute "
                    + "WHERE minute >= ? AND minute < ? ORDER BY minute DESC LIMIT 1", lastHour, rs -> map(
                    "minute", rs.getTimestamp(1).toInstant().toString(), "activeUsers", rs.getLong(2),
                    "activeSessions", rs.getLong(3)));
            out.put("activity", activity.isEmpty() ? null : activity.get(0));
            out.put("webVitals", vitals(c, lastHour));
            out.put("incidents", firingIncidents(c));
            out.put("statsJob", statsJob(c, now));
            return ApiResponse.ok(out);
        }
    }

    private static Map<String, Object> firingIncidents(Connection c) throws SQLException {
        Map<String, Object> bySeverity = map("critical", 0L, "warning", 0L, "info", 0L);
        try (PreparedStatement ps = c.prepareStatement("SELECT severity, count(*) FROM incidents WHERE status = 'firing' "
                + "GROUP BY severity"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                bySeverity.put(rs.getString(1), rs.getLong(2));
            }
        }
        return map("firing", bySeverity);
    }

    /** The newest rollup minute; a job more than 3 minutes behind the clock is reported stale. */
    private static Map<String, Object> statsJob(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(minute) FROM metric_minute WHERE minute > now() - interval '1 day'");
             ResultSet rs = ps.executeQuery()) {
            Timestamp latest = rs.next() ? rs.getTimestamp(1) : null;
            if (latest == null) {
                return map("status", "no data", "latestMinute", null, "lagSeconds", null);
            }
            long lag = Duration.between(latest.toInstant().plusSeconds(60), now).toSeconds();
            return map("status", lag <= 180 ? "up" : "stale", "latestMinute", latest.toInstant().toString(), "lagSeconds", lag);
        }
    }

    private interface RowMapper {
        Map<String, Object> map(ResultSet rs) throws SQLException;
    }

    private static List<Map<String, Object>> rows(Connection c, String sql, TimeRange range, RowMapper mapper) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, List.of(Timestamp.from(range.from()), Timestamp.from(range.to())));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
        }
        return out;
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
        return ps;
    }

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static Map<String, String> json(String text) {
        try {
            return EventJson.mapper().readValue(text, STRING_MAP);
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

package io.hubwatch.api.alerts;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hubwatch.api.http.ApiException;
import io.hubwatch.api.http.ApiRequest;
import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Severity;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/alerts/incidents?hours=24&status=firing&severity=critical&rule=high_cpu&limit=100&offset=0}: the
 * episodes in the {@code incidents} table (written by the alert job) that were open at some point in the last
 * {@code hours}, newest start first. Pagination by {@code limit} (1-1000, default 100) and {@code offset}; the answer
 * carries {@code nextOffset} (null on the last page).
 */
public final class IncidentsRoutes implements ApiRoutes {
    private static final Set<String> PARAMS = Set.of("hours", "status", "severity", "rule", "limit", "offset");
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final DataSource pool;

    public IncidentsRoutes(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/alerts/incidents", this::list);
    }

    private ApiResponse list(ApiRequest request) throws Exception {
        request.onlyQueryParams(PARAMS);
        double hours = number(request, "hours", 24, 0, 24 * 366);
        int limit = (int) number(request, "limit", 100, 0, 1000);
        int offset = (int) number(request, "offset", 0, -1, Integer.MAX_VALUE);
        String status = request.queryParam("status");
        String severity = request.queryParam("severity");
        String rule = request.queryParam("rule");
        try {
            status = status == null || status.isEmpty() ? null : IncidentStatus.parse(status).wireName();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), "status");
        }
        try {
            severity = severity == null || severity.isEmpty() ? null : Severity.parse(severity).wireName();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), "severity");
        }
        rule = rule == null || rule.isEmpty() ? null : rule;

        Instant since = Instant.now().minusMillis((long) (hours * 3_600_000));
        StringBuilder sql = new StringBuilder("SELECT fingerprint, starts_at, rule_id, kind, status, severity, metric, "
                + "labels::text, annotations::text, value, threshold, ends_at, summary, firing_id, resolved_id, "
                + "silenced_by, inhibited_by, updated_at FROM incidents "
                + "WHERE (starts_at >= ? OR ends_at IS NULL OR ends_at >= ?)");
        List<Object> args = new ArrayList<>(List.of(Timestamp.from(since), Timestamp.from(since)));
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (severity != null) {
            sql.append(" AND severity = ?");
            args.add(severity);
        }
        if (rule != null) {
            sql.append(" AND rule_id = ?");
            args.add(rule);
        }
        sql.append(" ORDER BY starts_at DESC, fingerprint LIMIT ? OFFSET ?");
        args.add(limit + 1);
        args.add(offset);

        List<Map<String, Object>> incidents = new ArrayList<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    incidents.add(row(rs));
                }
            }
        }
        boolean more = incidents.size() > limit;
        if (more) {
            incidents.remove(incidents.size() - 1);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incidents", incidents);
        out.put("limit", limit);
        out.put("offset", offset);
        out.put("nextOffset", more ? offset + limit : null);
        return ApiResponse.ok(out);
    }

    private static Map<String, Object> row(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fingerprint", rs.getString(1));
        m.put("startsAt", rs.getTimestamp(2).toInstant().toString());
        m.put("ruleId", rs.getString(3));
        m.put("kind", rs.getString(4));
        m.put("status", rs.getString(5));
        m.put("severity", rs.getString(6));
        m.put("metric", rs.getString(7));
        m.put("labels", json(rs.getString(8)));
        m.put("annotations", json(rs.getString(9)));
        m.put("value", rs.getDouble(10));
        double threshold = rs.getDouble(11);
        m.put("threshold", rs.wasNull() ? null : threshold);
        Timestamp ends = rs.getTimestamp(12);
        m.put("endsAt", ends == null ? null : ends.toInstant().toString());
        m.put("summary", rs.getString(13));
        m.put("firingId", rs.getString(14));
        m.put("resolvedId", rs.getString(15));
        m.put("silencedBy", rs.getString(16));
        m.put("inhibitedBy", rs.getString(17));
        m.put("updatedAt", rs.getTimestamp(18).toInstant().toString());
        return m;
    }

    private static Map<String, String> json(String text) throws SQLException {
        try {
            return EventJson.mapper().readValue(text, STRING_MAP);
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable JSON column", e);
        }
    }

    private static double number(ApiRequest request, String name, double fallback, double above, double max) {
        String text = request.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter '" + name + "' must be a number, was '" + text + "'", name);
        }
        if (!(v > above) || v > max || (!name.equals("hours") && Math.floor(v) != v)) {
            throw ApiException.badRequest("query parameter '" + name + "' must be " + (name.equals("hours")
                    ? "a number above 0 and at most " + (long) max : "a whole number from " + (long) (above + 1)
                    + " to " + (long) max) + ", was '" + text + "'", name);
        }
        return v;
    }
}

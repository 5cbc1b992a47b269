package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.EventJson;
import io.hubwatch.jobs.jdbc.JdbcTable;
import io.hubwatch.jobs.jdbc.PgValues;
import io.hubwatch.jobs.stats.Rollups.ActivityMinute;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import io.hubwatch.jobs.stats.Rollups.ModelMinute;
import io.hubwatch.jobs.stats.Rollups.PageVitalMinute;
import io.hubwatch.jobs.stats.Rollups.SeriesMinute;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollup tables of {@code V20__rollups.sql} as {@link JdbcTable}s. Every statement is an upsert on the table's key,
 * so a replay after a restart rewrites the same rows instead of failing or doubling them. Each table's check names
 * what PostgreSQL would refuse (NUL and control characters, key columns over the B-tree entry limit, times out of
 * range), so such a row becomes a dead letter instead of a failed batch.
 */
public final class RollupSinks {
    private RollupSinks() {}

    private static Timestamp minute(long epochMs) {
        return new Timestamp(epochMs);
    }

    private static String json(Object row) {
        return EventJson.toJson(row);
    }

    public static JdbcTable<EndpointMinute> endpoints() {
        return new JdbcTable<>("api_endpoint_minute",
                "INSERT INTO api_endpoint_minute (minute, endpoint, calls, errors, error_rate, p50_ms, p95_ms, p99_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (minute, endpoint) DO UPDATE SET calls = EXCLUDED.calls, "
                + "errors = EXCLUDED.errors, error_rate = EXCLUDED.error_rate, p50_ms = EXCLUDED.p50_ms, "
                + "p95_ms = EXCLUDED.p95_ms, p99_ms = EXCLUDED.p99_ms", (ps, r) -> {
            ps.setTimestamp(1, minute(r.minute()));
            ps.setString(2, r.endpoint());
            ps.setLong(3, r.calls());
            ps.setLong(4, r.errors());
            ps.setDouble(5, r.errorRate());
            ps.setDouble(6, r.p50Ms());
            ps.setDouble(7, r.p95Ms());
            ps.setDouble(8, r.p99Ms());
        }, r -> {
            List<String> problems = new ArrayList<>();
            PgValues.timestamp("minute", r.minute(), problems);
            PgValues.text("endpoint", r.endpoint(), PgValues.MAX_KEY_BYTES, problems);
            return problems;
        }, RollupSinks::json);
    }

    public static JdbcTable<ModelMinute> models() {
        return new JdbcTable<>("api_model_minute",
                "INSERT INTO api_model_minute (minute, model, calls, prompt_tokens, completion_tokens, cost) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (minute, model) DO UPDATE SET calls = EXCLUDED.calls, "
                + "prompt_tokens = EXCLUDED.prompt_tokens, completion_tokens = EXCLUDED.completion_tokens, "
                + "cost = EXCLUDED.cost", (ps, r) -> {
            ps.setTimestamp(1, minute(r.minute()));
            ps.setString(2, r.model());
            ps.setLong(3, r.calls());
            ps.setLong(4, r.promptTokens());
            ps.setLong(5, r.completionTokens());
            ps.setDouble(6, r.cost());
        }, r -> {
            List<String> problems = new ArrayList<>();
            PgValues.timestamp("minute", r.minute(), problems);
            PgValues.text("model", r.model(), PgValues.MAX_KEY_BYTES, problems);
            return problems;
        }, RollupSinks::json);
    }

    public static JdbcTable<ActivityMinute> activity() {
        return new JdbcTable<>("api_activity_minute",
                "INSERT INTO api_activity_minute (minute, active_users, active_sessions) VALUES (?, ?, ?) "
                + "ON CONFLICT (minute) DO UPDATE SET active_users = EXCLUDED.active_users, "
                + "active_sessions = EXCLUDED.active_sessions", (ps, r) -> {
            ps.setTimestamp(1, minute(r.minute()));
            ps.setLong(2, r.activeUsers());
            ps.setLong(3, r.activeSessions());
        }, r -> {
            List<String> problems = new ArrayList<>();
            PgValues.timestamp("minute", r.minute(), problems);
            return problems;
        }, RollupSinks::json);
    }

    public static JdbcTable<PageVitalMinute> vitals() {
        return new JdbcTable<>("web_vital_minute",
                "INSERT INTO web_vital_minute (minute, page, name, samples, p75) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (minute, page, name) DO UPDATE SET samples = EXCLUDED.samples, p75 = EXCLUDED.p75",
                (ps, r) -> {
                    ps.setTimestamp(1, minute(r.minute()));
                    ps.setString(2, r.page());
                    ps.setString(3, r.name());
                    ps.setLong(4, r.samples());
                    ps.setDouble(5, r.p75());
                }, r -> {
            List<String> problems = new ArrayList<>();
            PgValues.timestamp("minute", r.minute(), problems);
            PgValues.text("page", r.page(), PgValues.MAX_KEY_BYTES - 64, problems);
            PgValues.text("name", r.name(), 64, problems);
            return problems;
        }, RollupSinks::json);
    }

    public static JdbcTable<SeriesMinute> series() {
        return new JdbcTable<>("metric_minute",
                "INSERT INTO metric_minute (minute, series_key, metric, host, labels, samples, min, max, avg, last) "
                + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (minute, series_key) DO UPDATE SET "
                + "samples = EXCLUDED.samples, min = EXCLUDED.min, max = EXCLUDED.max, avg = EXCLUDED.avg, "
                + "last = EXCLUDED.last", (ps, r) -> {
            ps.setTimestamp(1, minute(r.minute()));
            ps.setString(2, r.seriesKey());
            ps.setString(3, r.metric());
            ps.setString(4, r.source());
            ps.setString(5, EventJson.toJson(r.labels()));
            ps.setLong(6, r.samples());
            ps.setDouble(7, r.min());
            ps.setDouble(8, r.max());
            ps.setDouble(9, r.avg());
            ps.setDouble(10, r.last());
        }, r -> {
            List<String> problems = new ArrayList<>();
            PgValues.timestamp("minute", r.minute(), problems);
            PgValues.text("series_key", r.seriesKey(), PgValues.MAX_KEY_BYTES, problems);
            PgValues.text("metric", r.metric(), PgValues.MAX_KEY_BYTES, problems);
            PgValues.text("host", r.source(), PgValues.MAX_KEY_BYTES, problems);
            PgValues.jsonStrings("labels", r.labels(), PgValues.MAX_KEY_BYTES, problems);
            return problems;
        }, RollupSinks::json);
    }
}

package io.hubwatch.jobs.stats.internal;

import io.hubwatch.events.EventJson;
import io.hubwatch.jobs.stats.Rollups.ActivityMinute;
import io.hubwatch.jobs.stats.Rollups.EndpointMinute;
import io.hubwatch.jobs.stats.Rollups.ModelMinute;
import io.hubwatch.jobs.stats.Rollups.PageVitalMinute;
import io.hubwatch.jobs.stats.Rollups.SeriesMinute;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.Timestamp;

/**
 * JDBC sinks (Sink V2, at least once) for the rollup tables of {@code V20__rollups.sql}. Every statement is an upsert
 * on the table's key, so a replay after a restart rewrites the same rows instead of failing or doubling them.
 */
public final class RollupSinks {
    private final JdbcConnectionOptions connection;
    private final JdbcExecutionOptions execution;

    public RollupSinks(String jdbcUrl, String user, String password) {
        this.connection = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(jdbcUrl).withDriverName("org.postgresql.Driver")
                .withUsername(user).withPassword(password == null ? "" : password).build();
        // rows come once a minute per key: a second's batching is plenty and keeps the tables current
        this.execution = JdbcExecutionOptions.builder().withBatchSize(500).withBatchIntervalMs(1_000).withMaxRetries(3).build();
    }

    private <T> JdbcSink<T> sink(String sql, JdbcStatementBuilder<T> statement) {
        return JdbcSink.<T>builder().withQueryStatement(sql, statement).withExecutionOptions(execution)
                .buildAtLeastOnce(connection);
    }

    private static Timestamp minute(long epochMs) {
        return new Timestamp(epochMs);
    }

    public JdbcSink<EndpointMinute> endpoints() {
        return sink("INSERT INTO api_endpoint_minute (minute, endpoint, calls, errors, error_rate, p50_ms, p95_ms, p99_ms) "
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
        });
    }

    public JdbcSink<ModelMinute> models() {
        return sink("INSERT INTO api_model_minute (minute, model, calls, prompt_tokens, completion_tokens, cost) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (minute, model) DO UPDATE SET calls = EXCLUDED.calls, "
                + "prompt_tokens = EXCLUDED.prompt_tokens, completion_tokens = EXCLUDED.completion_tokens, "
                + "cost = EXCLUDED.cost", (ps, r) -> {
            ps.setTimestamp(1, minute(r.minute()));
            ps.setString(2, r.model());
            ps.setLong(3, r.calls());
            ps.setLong(4, r.promptTokens());
            ps.setLong(5, r.completionTokens());
            ps.setDouble(6, r.cost());
        });
    }

    public JdbcSink<ActivityMinute> activity() {
        return sink("INSERT INTO api_activity_minute (minute, active_users, active_sessions) VALUES (?, ?, ?) "
                + "ON CONFLICT (minute) DO UPDATE SET active_users = EXCLUDED.active_users, "
                + "active_sessions = EXCLUDED.active_sessions", (ps, r) -> {
            ps.setTimestamp(1, minute(r.minute()));
            ps.setLong(2, r.activeUsers());
            ps.setLong(3, r.activeSessions());
        });
    }

    public JdbcSink<PageVitalMinute> vitals() {
        return sink("INSERT INTO web_vital_minute (minute, page, name, samples, p75) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (minute, page, name) DO UPDATE SET samples = EXCLUDED.samples, p75 = EXCLUDED.p75",
                (ps, r) -> {
                    ps.setTimestamp(1, minute(r.minute()));
                    ps.setString(2, r.page());
                    ps.setString(3, r.name());
                    ps.setLong(4, r.samples());
                    ps.setDouble(5, r.p75());
                });
    }

    public JdbcSink<SeriesMinute> series() {
        return sink("INSERT INTO metric_minute (minute, series_key, metric, host, labels, samples, min, max, avg, last) "
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
        });
    }
}

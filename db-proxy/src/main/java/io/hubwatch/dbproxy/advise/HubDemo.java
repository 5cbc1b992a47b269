package io.hubwatch.dbproxy.advise;

import io.hubwatch.storage.HubSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * The AI API hub's tables filled with a realistic volume (without their indexes) and the hub's typical queries, so
 * that the index advisor has something real to find.
 *
 * <pre>{@code
 * HubDemo.load(dataSource, 20_000);        // tables only (no index but the primary keys), ~1.4 M rows for 20 000 users
 * HubDemo.runWorkload(connection, 2_000, 42); // 2 000 rounds of the hub's five hot queries
 * }</pre>
 */
public final class HubDemo {
    /** The hub's hot queries: login, a user's keys, the latest sessions, usage over a period, a metric's latest points. */
    static final String LOGIN = "SELECT id, name, plan FROM users WHERE email = ? AND is_active";
    static final String KEYS = "SELECT id, name, last_used_at FROM api_keys WHERE user_id = ? AND is_active";
    static final String SESSIONS = "SELECT id, created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 10";
    static final String USAGE = "SELECT count(*), sum(prompt_tokens + completion_tokens), sum(cost_usd) FROM usage_records "
            + "WHERE user_id = ? AND created_at >= ? AND created_at < ?";
    static final String METRICS = "SELECT timestamp, value FROM performance_metrics WHERE metric_name = ? ORDER BY timestamp DESC LIMIT 100";
    static final String[] METRIC_NAMES = {"http_latency_ms", "tokens_per_second", "upstream_errors", "cache_hit_ratio",
            "queue_depth", "gpu_utilization", "active_sessions", "cost_per_request"};

    private HubDemo() {}

    /** Creates the hub's tables without their indexes and fills them: per user 2 keys, 5 sessions, 25 usage records. */
    public static void load(DataSource dataSource, int users) throws SQLException {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, not " + users);
        }
        HubSchema.applyTablesOnly(dataSource);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE performance_metrics, usage_records, sessions, api_keys, users RESTART IDENTITY");
            s.execute("INSERT INTO users (email, name, plan, is_active, created_at) SELECT 'user' || g || '@example.com', "
                    + "'User ' || g, (ARRAY['free','pro','team'])[1 + g % 3], g % 10 <> 0, now() - (g % 700) * interval '1 day' "
                    + "FROM generate_series(1, " + users + ") g");
            s.execute("INSERT INTO api_keys (user_id, key_hash, name, is_active, created_at, last_used_at) "
                    + "SELECT u, md5(u::text || k::text), 'key ' || k, k = 1, now() - k * interval '30 days', now() - k * interval '1 hour' "
                    + "FROM generate_series(1, " + users + ") u, generate_series(1, 2) k");
            s.execute("INSERT INTO sessions (user_id, token_hash, user_agent, created_at, expires_at) "
                    + "SELECT 1 + (g::bigint * 7919) % " + users + ", md5(g::text), 'client/' || (g % 5), "
                    + "now() - (g % 90000) * interval '1 minute', now() + interval '1 day' FROM generate_series(1, " + users * 5 + ") g");
            s.execute("INSERT INTO usage_records (user_id, api_key_id, model, endpoint, prompt_tokens, completion_tokens, "
                    + "cost_usd, latency_ms, status, created_at) SELECT 1 + (g::bigint * 104729) % " + users + ", NULL, "
                    + "(ARRAY['gpt-4o','claude-sonnet','llama-3-70b','mistral-large'])[1 + g % 4], '/v1/chat/completions', "
                    + "100 + g % 900, 50 + g % 400, (g % 1000) / 10000.0, 100 + g % 2000, CASE WHEN g % 50 = 0 THEN 500 ELSE 200 END, "
                    + "now() - (g % 43200) * interval '1 minute' FROM generate_series(1, " + users * 25 + ") g");
            s.execute("INSERT INTO performance_metrics (metric_name, value, labels, timestamp) "
                    + "SELECT (ARRAY['" + String.join("','", METRIC_NAMES) + "'])[1 + g % " + METRIC_NAMES.length + "], "
                    + "random() * 100, '{}', now() - g * interval '1 second' FROM generate_series(1, " + users * 10 + ") g");
            s.execute("ANALYZE users, api_keys, sessions, usage_records, performance_metrics");
        }
    }

    /** Runs {@code rounds} rounds of the five hot queries with random arguments; returns the rows read. */
    public static long runWorkload(Connection c, int rounds, long seed) throws SQLException {
        int users;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
            rs.next();
            users = Math.max(1, rs.getInt(1));
        }
        Random random = new Random(seed);
        long rows = 0;
        try (PreparedStatement login = c.prepareStatement(LOGIN); PreparedStatement keys = c.prepareStatement(KEYS);
             PreparedStatement sessions = c.prepareStatement(SESSIONS); PreparedStatement usage = c.prepareStatement(USAGE);
             PreparedStatement metrics = c.prepareStatement(METRICS)) {
            for (int i = 0; i < rounds; i++) {
                int user = 1 + random.nextInt(users);
                login.setString(1, "user" + user + "@example.com");
                rows += count(login);
                keys.setLong(1, user);
                rows += count(keys);
                sessions.setLong(1, user);
                rows += count(sessions);
                Instant to = Instant.now().minus(Duration.ofDays(random.nextInt(20)));
                usage.setLong(1, user);
                usage.setTimestamp(2, Timestamp.from(to.minus(Duration.ofDays(7))));
                usage.setTimestamp(3, Timestamp.from(to));
                rows += count(usage);
                if (i % 4 == 0) {
                    metrics.setString(1, METRIC_NAMES[random.nextInt(METRIC_NAMES.length)]);
                    rows += count(metrics);
                }
            }
        }
        return rows;
    }

    private static long count(PreparedStatement ps) throws SQLException {
        long n = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }
}

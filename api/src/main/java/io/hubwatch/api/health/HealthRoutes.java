package io.hubwatch.api.health;

import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/health}: {@code {"status":"up","kafka":{"status":"up","brokers":1},"postgresql":{"status":"up"},
 * "job":{"status":"RUNNING","health":"up"}}}, and the same judgement for Prometheus on {@code GET /metrics}
 * ({@code hubwatch_up 1}, {@code hubwatch_component_up{component="job"} 1}).
 *
 * <p>Each part is judged {@link Health#UP}, {@link Health#DEGRADED} (starting or restarting) or {@link Health#DOWN}:
 * Kafka and PostgreSQL by answering within 2 s; a job by its status (RUNNING is up; CREATED, INITIALIZING, RESTARTING,
 * RECONCILING and STARTING are degraded; FAILED, FAILING, CANCELED, CANCELLING, FINISHED, SUSPENDED and an
 * unreadable status are down, since a streaming job that stopped does nothing); a further component by its text
 * (starting with "up" or RUNNING is up). The answer is 200 only when every judged part is up, else 503 with the
 * overall {@code status} "down" when any part is down, otherwise "degraded". A job whose status is exactly
 * {@code unknown} (an API started without one) is reported and not judged.
 */
public final class HealthRoutes implements ApiRoutes {
    private static final int TIMEOUT_MS = 2_000;
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    /** How a part is doing. */
    public enum Health {
        UP, DEGRADED, DOWN, NOT_JUDGED;

        String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    private final DataSource pool;
    private final Admin admin;
    private final Supplier<String> jobStatus;
    private final Map<String, Supplier<String>> components;
    private Supplier<String> processMetrics = () -> "";

    public HealthRoutes(DataSource pool, Admin admin, Supplier<String> jobStatus) {
        this(pool, admin, jobStatus, Map.of());
    }

    /** @param components further parts reported and judged by name (the ingest gateway, the statistics job) */
    public HealthRoutes(DataSource pool, Admin admin, Supplier<String> jobStatus, Map<String, Supplier<String>> components) {
        this.pool = pool;
        this.admin = admin;
        this.jobStatus = jobStatus;
        this.components = components;
    }

    /** Also serves this text on {@code /metrics}: the process's own meters (JVM, request times) after the judgement. */
    public HealthRoutes alongside(Supplier<String> metrics) {
        this.processMetrics = metrics;
        return this;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/health", request -> {
            Map<String, Map<String, Object>> parts = check();
            Health overall = overall(parts);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("status", overall == Health.UP ? "up" : overall.wire());
            out.putAll(parts);
            return ApiResponse.of(overall == Health.UP ? 200 : 503, out);
        });
        routes.get("/metrics", request -> ApiResponse.text(200, PROMETHEUS, prometheus(check()) + processMetrics.get()));
    }

    /**
     * The judgement of a job's or component's status text.
     */
    public static Health judge(String status) {
        if (status == null) {
            return Health.DOWN;
        }
        String s = status.trim().toUpperCase(Locale.ROOT);
        if (s.equals("UNKNOWN")) {
            return Health.NOT_JUDGED;
        }
        if (s.equals("RUNNING") || s.equals("UP") || s.startsWith("UP ")) {
            return Health.UP;
        }
        return switch (s) {
            case "CREATED", "INITIALIZING", "RESTARTING", "RECONCILING", "STARTING" -> Health.DEGRADED;
            default -> Health.DOWN;
        };
    }

    private Map<String, Map<String, Object>> check() {
        Map<String, Map<String, Object>> parts = new LinkedHashMap<>();
        Map<String, Object> kafka = new LinkedHashMap<>();
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .nodes().get(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS).size();
            kafka.put("status", "up");
            kafka.put("brokers", brokers);
        } catch (Exception e) {
            kafka.put("status", "down");
            kafka.put("error", describe(e));
        }
        parts.put("kafka", kafka);
        Map<String, Object> postgres = new LinkedHashMap<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(TIMEOUT_MS / 1000);
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            postgres.put("status", "up");
        } catch (Exception e) {
            postgres.put("status", "down");
            postgres.put("error", describe(e));
        }
        parts.put("postgresql", postgres);
        parts.put("job", judged(jobStatus));
        components.forEach((name, status) -> parts.put(name, judged(status)));
        return parts;
    }

    private static Map<String, Object> judged(Supplier<String> status) {
        String value;
        try {
            value = String.valueOf(status.get());
        } catch (RuntimeException e) {
            value = "unknown (" + describe(e) + ")";
        }
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("status", value);
        part.put("health", judge(value).wire());
        return part;
    }

    private static Health health(Map<String, Object> part) {
        Object health = part.get("health");
        if (health == null) {
            return "up".equals(part.get("status")) ? Health.UP : Health.DOWN;
        }
        return Health.valueOf(health.toString().toUpperCase(Locale.ROOT).replace(' ', '_'));
    }

    private static Health overall(Map<String, Map<String, Object>> parts) {
        Health overall = Health.UP;
        for (Map<String, Object> part : parts.values()) {
            Health h = health(part);
            if (h == Health.DOWN) {
                return Health.DOWN;
            }
            if (h == Health.DEGRADED) {
                overall = Health.DEGRADED;
            }
        }
        return overall;
    }

    private static String prometheus(Map<String, Map<String, Object>> parts) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP hubwatch_up Whether every judged part of Hubwatch is up (1) or not (0).\n");
        out.append("# TYPE hubwatch_up gauge\n");
        out.append("hubwatch_up ").append(overall(parts) == Health.UP ? 1 : 0).append('\n');
        out.append("# HELP hubwatch_component_up Whether a part is up (1) or starting, restarting or down (0).\n");
        out.append("# TYPE hubwatch_component_up gauge\n");
        parts.forEach((name, part) -> {
            Health h = health(part);
            if (h != Health.NOT_JUDGED) {
                out.append("hubwatch_component_up{component=\"").append(name).append("\",health=\"").append(h.wire())
                        .append("\"} ").append(h == Health.UP ? 1 : 0).append('\n');
            }
        });
        return out.toString();
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}

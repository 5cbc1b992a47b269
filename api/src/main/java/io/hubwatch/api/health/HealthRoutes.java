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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/health}: {@code {"status":"up","kafka":{"status":"up","brokers":1},"postgresql":{"status":"up"},
 * "job":{"status":"RUNNING"}}}. 200 when Kafka and PostgreSQL answer (within 2 s each), otherwise 503 with
 * {@code "status":"degraded"} and the error of the part that is down. The job status is reported, not judged.
 */
public final class HealthRoutes implements ApiRoutes {
    private static final int TIMEOUT_MS = 2_000;

    private final DataSource pool;
    private final Admin admin;
    private final Supplier<String> jobStatus;
    private final Map<String, Supplier<String>> components;

    public HealthRoutes(DataSource pool, Admin admin, Supplier<String> jobStatus) {
        this(pool, admin, jobStatus, Map.of());
    }

    /** @param components further parts reported by name (the ingest gateway, the statistics job), not judged */
    public HealthRoutes(DataSource pool, Admin admin, Supplier<String> jobStatus, Map<String, Supplier<String>> components) {
        this.pool = pool;
        this.admin = admin;
        this.jobStatus = jobStatus;
        this.components = components;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/health", request -> check());
    }

    private ApiResponse check() {
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
        String job;
        try {
            job = String.valueOf(jobStatus.get());
        } catch (RuntimeException e) {
            job = "unknown (" + describe(e) + ")";
        }
        boolean up = "up".equals(kafka.get("status")) && "up".equals(postgres.get("status"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", up ? "up" : "degraded");
        out.put("kafka", kafka);
        out.put("postgresql", postgres);
        out.put("job", Map.of("status", job));
        components.forEach((name, status) -> {
            String value;
            try {
                value = String.valueOf(status.get());
            } catch (RuntimeException e) {
                value = "unknown (" + describe(e) + ")";
            }
            out.put(name, Map.of("status", value));
        });
        return ApiResponse.of(up ? 200 : 503, out);
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}

package io.hubwatch.api.http;

/**
 * A group of routes of one feature; {@code ApiServer} registers each group with one line, e.g. the monitoring API's
 * {@code io.hubwatch.api.monitoring.MonitoringRoutes}.
 *
 * <pre>{@code
 * public final class MonitoringRoutes implements ApiRoutes {
 *     public void register(Routes routes) {
 *         routes.get("/api/v1/monitoring/overview", request -> ApiResponse.ok(overview()));
 *     }
 * }
 * }</pre>
 */
public interface ApiRoutes {
    void register(Routes routes);
}

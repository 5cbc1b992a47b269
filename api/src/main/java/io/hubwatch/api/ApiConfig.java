package io.hubwatch.api;

import io.hubwatch.storage.Database;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Settings of the alerts API, checked up front. Defaults: 127.0.0.1, a free port, a 64 KiB body limit, job status
 * "unknown", no notifier, default rules loaded on the first start.
 *
 * <pre>{@code
 * ApiConfig config = ApiConfig.of(Database.defaults(), "localhost:9092", token)
 *         .withJobStatus(() -> job.getJobStatus().get().name());
 * try (ApiServer api = ApiServer.start(config)) { ... api.address() ... }
 * }</pre>
 *
 * @param token              the bearer token every request must carry
 * @param bodyLimitBytes     larger request bodies get 413
 * @param jobStatus          the alert job's status for {@code /api/v1/health}
 * @param testNotifications  null when no notifier runs (test-notification then answers 409)
 * @param loadDefaultRules   insert {@code RuleSet.defaults()} on the first start against this database
 * @param components         further parts whose status the health endpoint reports (e.g. the ingest gateway)
 */
public record ApiConfig(String host, int port, String token, Database database, String kafkaBootstrap,
                        int bodyLimitBytes, Supplier<String> jobStatus, TestNotifications testNotifications,
                        boolean loadDefaultRules, Map<String, Supplier<String>> components) {

    public static final int DEFAULT_BODY_LIMIT = 64 * 1024;

    public ApiConfig {
        Objects.requireNonNull(database, "database");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("API host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("API port " + port + " is not in 0..65535");
        }
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("API token must have at least 16 characters");
        }
        if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers must not be empty");
        }
        if (bodyLimitBytes < 1024) {
            throw new IllegalArgumentException("body limit " + bodyLimitBytes + " bytes is below 1024");
        }
        jobStatus = jobStatus == null ? () -> "unknown" : jobStatus;
        components = components == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    public static ApiConfig of(Database database, String kafkaBootstrap, String token) {
        return new ApiConfig("127.0.0.1", 0, token, database, kafkaBootstrap, DEFAULT_BODY_LIMIT, null, null, true, Map.of());
    }

    public ApiConfig withListen(String host, int port) {
        return new ApiConfig(host, port, token, database, kafkaBootstrap, bodyLimitBytes, jobStatus, testNotifications, loadDefaultRules, components);
    }

    public ApiConfig withBodyLimit(int bytes) {
        return new ApiConfig(host, port, token, database, kafkaBootstrap, bytes, jobStatus, testNotifications, loadDefaultRules, components);
    }

    public ApiConfig withJobStatus(Supplier<String> status) {
        return new ApiConfig(host, port, token, database, kafkaBootstrap, bodyLimitBytes, status, testNotifications, loadDefaultRules, components);
    }

    public ApiConfig withTestNotifications(TestNotifications sender) {
        return new ApiConfig(host, port, token, database, kafkaBootstrap, bodyLimitBytes, jobStatus, sender, loadDefaultRules, components);
    }

    /** Reports {@code status} as part {@code name} of {@code GET /api/v1/health} (reported, not judged). */
    public ApiConfig withComponent(String name, Supplier<String> status) {
        Map<String, Supplier<String>> more = new LinkedHashMap<>(components);
        more.put(name, status);
        return new ApiConfig(host, port, token, database, kafkaBootstrap, bodyLimitBytes, jobStatus, testNotifications,
                loadDefaultRules, more);
    }

    public ApiConfig withDefaultRules(boolean load) {
        return new ApiConfig(host, port, token, database, kafkaBootstrap, bodyLimitBytes, jobStatus, testNotifications, load, components);
    }

    @Override
    public String toString() {
        return "ApiConfig[" + host + ":" + port + ", token=<secret>, " + database.jdbcUrl() + ", kafka=" + kafkaBootstrap + "]";
    }
}

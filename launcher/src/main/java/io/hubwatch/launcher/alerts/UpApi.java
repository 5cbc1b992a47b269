package io.hubwatch.launcher.alerts;

import io.hubwatch.api.ApiConfig;
import io.hubwatch.api.ApiServer;
import io.hubwatch.api.TestNotifications;
import io.hubwatch.notify.Notifier;
import io.hubwatch.storage.Database;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * The alerts API as {@code up} runs it: a PostgreSQL database (created and migrated on start), a free port, a fresh
 * token in {@code .hubwatch/api-token} (0600). Without PostgreSQL, {@code up} still runs, without the API, and says so.
 *
 * <pre>{@code
 * UpApi api = UpApi.start(bootstrap, Database.defaults(), "127.0.0.1", () -> "RUNNING", notifierRef::get, Map.of(), out);
 * // null when PostgreSQL is not there
 * endpoints.put("api", api.url());
 * }</pre>
 */
public final class UpApi implements AutoCloseable {
    private final ApiServer server;
    private final String token;

    private UpApi(ApiServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /**
     * @param db         PostgreSQL for rules, silences and incidents (created and migrated on start)
     * @param host       the address to listen on
     * @param jobStatus  the alert job's state for the health endpoint ({@code STARTING} before it runs)
     * @param notifier   null when {@code up} runs no notifier; else the notifier once it runs
     * @param components further parts the health endpoint reports by name (the ingest gateway, the statistics job)
     * @return the running API, or null when PostgreSQL cannot be reached (explained on {@code out})
     */
    public static UpApi start(String bootstrap, Database db, String host, Supplier<String> jobStatus,
                              Supplier<Notifier> notifier, java.util.Map<String, Supplier<String>> components,
                              PrintWriter out) throws Exception {
        try {
            db.ensureDatabase();
        } catch (java.sql.SQLException e) {
            out.println("alerts API not started: PostgreSQL does not answer at " + db.jdbcUrl() + " (" + e.getMessage()
                    + "); start it (bin/services) to manage rules and silences at run time");
            out.flush();
            LoggerFactory.getLogger(UpApi.class).warn("alerts API not started", e);
            return null;
        }
        String token = ApiTokenFile.generate();
        ApiTokenFile.write(token);
        TestNotifications testSend = notifier == null ? null : (message, receivers) -> {
            Notifier n = notifier.get();
            if (n == null) {
                throw new IllegalStateException("the notifier is still starting");
            }
            return n.testSend().send(message, receivers);
        };
        ApiConfig config = ApiConfig.of(db, bootstrap, token).withListen(host, 0).withTestNotifications(testSend)
                .withJobStatus(jobStatus);
        for (var component : components.entrySet()) {
            config = config.withComponent(component.getKey(), component.getValue());
        }
        out.println("starting the alerts API (rules and silences in " + db.jdbcUrl() + ")...");
        out.flush();
        return new UpApi(ApiServer.start(config), token);
    }

    /**
     * Stores (creates or replaces) rules through the API, as {@code rules apply} does, so that PostgreSQL, the
     * {@code alert-rules} topic and the job agree on them.
     *
     * @throws IllegalStateException naming the rule the API refused, and why
     */
    public void apply(java.util.List<io.hubwatch.rules.Rule> rules) throws java.io.IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (io.hubwatch.rules.Rule rule : rules) {
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(url() + "/api/v1/alerts/rules/" + rule.id()))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(io.hubwatch.rules.RuleFiles.toJson(rule)))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("rule '" + rule.id() + "' was refused: " + response.body());
            }
        }
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return server.address().toString();
    }

    @Override
    public void close() {
        server.close();
        ApiTokenFile.remove();
    }
}

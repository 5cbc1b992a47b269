package io.hubwatch.api;

import io.hubwatch.telemetry.ProcessMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.zaxxer.hikari.HikariDataSource;
import io.hubwatch.api.alerts.AlertRulesRoutes;
import io.hubwatch.api.alerts.ChangePublisher;
import io.hubwatch.api.alerts.IncidentsRoutes;
import io.hubwatch.api.alerts.RuleStore;
import io.hubwatch.api.alerts.SilenceStore;
import io.hubwatch.api.alerts.SilencesRoutes;
import io.hubwatch.api.alerts.TestNotificationRoutes;
import io.hubwatch.api.health.HealthRoutes;
import io.hubwatch.api.http.ApiException;
import io.hubwatch.api.http.ApiRequest;
import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;
import io.hubwatch.events.EventJson;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.storage.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The alerts API over HTTP (Vert.x): JSON in and out, a bearer token on every request, request bodies up to a limit
 * (413 above it), errors as {@code {"error": "...", "field": "..."}} and never a stack trace. On start it applies the
 * schema migrations, loads the default rules on the first start, and republishes every rule and silence to Kafka.
 *
 * <pre>{@code
 * try (ApiServer api = ApiServer.start(ApiConfig.of(Database.defaults(), "localhost:9092", token))) {
 *     System.out.println(api.address());   // http://127.0.0.1:41234
 * }
 * }</pre>
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Histogram buckets of request time: enough for histogram_quantile() around the 200 ms API target. */
    private static final Duration[] REQUEST_BUCKETS = java.util.stream.Stream.of(5, 10, 25, 50, 100, 200, 500, 1000, 2500, 10000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private final ApiConfig config;
    private final Vertx vertx;
    private final HikariDataSource pool;
    private final ChangePublisher publisher;
    private final Admin admin;
    private final Routes routes = new Routes();
    private final byte[] expectedAuth;
    private final PrometheusMeterRegistry metrics = ProcessMetrics.registry();
    private HttpServer server;

    private ApiServer(ApiConfig config, Vertx vertx, HikariDataSource pool, ChangePublisher publisher, Admin admin) {
        this.config = config;
        this.vertx = vertx;
        this.pool = pool;
        this.publisher = publisher;
        this.admin = admin;
        this.expectedAuth = ("Bearer " + config.token()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts the API; returns once it listens.
     *
     * @throws Exception when PostgreSQL or Kafka cannot be reached or the address cannot be bound (all resources
     *                   taken so far are released)
     */
    public static ApiServer start(ApiConfig config) throws Exception {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            HikariDataSource pool = config.database().pool("hubwatch-api", 8);
            opened.add(pool);
            Migrations.apply(pool);
            ChangePublisher publisher = new ChangePublisher(config.kafkaBootstrap());
            opened.add(publisher);
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
            opened.add(admin);
            Vertx vertx = Vertx.vertx();
            opened.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));

            RuleStore rules = new RuleStore(pool, publisher);
            SilenceStore silences = new SilenceStore(pool, publisher);
            if (config.loadDefaultRules()) {
                int loaded = rules.loadDefaultsOnce(RuleSet.defaults().rules());
                if (loaded > 0) {
                    LOG.info("loaded {} default rule(s) on the first start", loaded);
                }
            }
            rules.republishAll();
            silences.republishAll();

            ApiServer api = new ApiServer(config, vertx, pool, publisher, admin);
            // one line per feature; the monitoring API registers here too
            for (ApiRoutes group : List.<ApiRoutes>of(
                    new AlertRulesRoutes(rules),
                    new SilencesRoutes(silences),
                    new IncidentsRoutes(pool),
                    new TestNotificationRoutes(config.testNotifications()),
                    new HealthRoutes(pool, admin, config.jobStatus(), config.components()).alongside(api.metrics::scrape),
                    new io.hubwatch.api.monitoring.MonitoringRoutes(pool),
                    new io.hubwatch.api.db.DbRoutes(pool))) {
                group.register(api.routes);
            }
            api.listen();
            return api;
        } catch (Exception | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private void listen() throws Exception {
        HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                .setHttp2ClearTextEnabled(false).setMaxInitialLineLength(8192).setMaxHeaderSize(16 * 1024);
        server = vertx.createHttpServer(options)
                .requestHandler(this::handle)
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI address() {
        return URI.create("http://" + config.host() + ":" + server.actualPort());
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        long started = System.nanoTime();
        String[] routeName = {"unmatched"};   // a route pattern, never the raw path: labels must stay few
        req.response().endHandler(v -> Timer.builder("hubwatch.api.requests")
                .description("Alerts API requests by method, route pattern and status")
                .tags("method", req.method().name(), "route", routeName[0], "status", String.valueOf(req.response().getStatusCode()))
                .serviceLevelObjectives(REQUEST_BUCKETS)
                .register(metrics).record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
        try {
            // refusals before the body is read (token, route, declared size) still read and drop a small body, so a
            // keep-alive connection stays usable; only a body over the limit closes it
            ApiException early = null;
            Routes.Match match = null;
            String auth = req.getHeader("Authorization");
            if (auth == null || !MessageDigest.isEqual(auth.trim().getBytes(StandardCharsets.UTF_8), expectedAuth)) {
                req.response().putHeader("WWW-Authenticate", "Bearer");
                early = new ApiException(401, auth == null ? "missing bearer token (Authorization: Bearer TOKEN)"
                        : "invalid bearer token");
            } else {
                try {
                    match = routes.match(req.method().name(), req.path());
                    routeName[0] = match.pattern();
                } catch (ApiException e) {
                    early = e;
                }
            }
            String length = req.getHeader("Content-Length");
            if (length != null) {
                long declared;
                try {
                    declared = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    declared = Long.MAX_VALUE;
                }
                if (declared > config.bodyLimitBytes()) {
                    refuseAfterDraining(req, early != null ? early : tooLarge(), declared);
                    return;
                }
            }
            Buffer body = Buffer.buffer();
            boolean[] refused = {false};
            ApiException refusal = early;
            Routes.Match route = match;
            req.handler(chunk -> {
                if (refused[0]) {
                    return;
                }
                if (body.length() + chunk.length() > config.bodyLimitBytes()) {
                    refused[0] = true;
                    refuseAfterDraining(req, refusal != null ? refusal : tooLarge(), body.length() + chunk.length());
                } else if (refusal == null) {
                    body.appendBuffer(chunk);
                }
            });
            req.exceptionHandler(e -> LOG.debug("request {} {} failed while reading: {}", req.method(), req.path(), e.toString()));
            req.endHandler(v -> {
                if (refused[0]) {
                    return;
                }
                if (refusal != null) {
                    respond(req, refusal);
                    return;
                }
                // anything thrown here would escape to Vert.x and leave the request unanswered: map it like the rest
                try {
                    ApiRequest request = new ApiRequest(req.method().name(), req.path(), route.pathParams(), query(req),
                            body.getBytes());
                    vertx.executeBlocking(() -> route.handler().handle(request), false).onComplete(ar -> {
                        if (ar.succeeded()) {
                            respond(req, ar.result());
                        } else {
                            respond(req, ar.cause());
                        }
                    });
                } catch (Throwable t) {
                    respond(req, t);
                }
            });
        } catch (Throwable t) {
            respond(req, t);
        }
    }

    /**
     * Answers a refused body once its rest is read and discarded. A connection closed with unread bytes is reset by the
     * kernel, and the reset can reach the client before it reads the answer: it then sees "no bytes" instead of the
     * 413 (CI failed once on exactly that). Past a bound (2x the limit, at least 1 MiB) the sender is not worth the
     * bandwidth: it is answered at once and the connection closed, as before.
     *
     * @param seen the bytes declared or already received
     */
    private void refuseAfterDraining(HttpServerRequest req, ApiException refusal, long seen) {
        long drainLimit = Math.max(1 << 20, 2L * config.bodyLimitBytes());
        if (seen > drainLimit) {
            respond(req, refusal);
            return;
        }
        long[] drained = {seen};
        boolean[] answered = {false};
        req.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > drainLimit && !answered[0]) {
                answered[0] = true;
                respond(req, refusal);
            }
        });
        req.endHandler(v -> {
            if (!answered[0]) {
                answered[0] = true;
                respond(req, refusal);
            }
        });
    }

    private ApiException tooLarge() {
        return new ApiException(413, "request body larger than " + config.bodyLimitBytes() + " bytes");
    }

    /** The query parameters; 400 when the query string is not valid URL encoding or a value holds a NUL or a
     *  control character (PostgreSQL refuses a NUL in a text parameter, which was a 500). */
    private static Map<String, List<String>> query(HttpServerRequest req) {
        io.vertx.core.MultiMap params;
        try {
            params = req.params();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the query string is not valid URL encoding: " + e.getMessage(), null);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : params.names()) {
            List<String> values = params.getAll(name);
            for (String value : values) {
                String bad = io.hubwatch.events.WireText.problem(name, value, io.hubwatch.events.WireText.MAX_TEXT_CHARS);
                if (bad != null) {
                    throw ApiException.badRequest(bad.replaceFirst("^field", "query parameter"), name);
                }
            }
            out.put(name, values);
        }
        return out;
    }

    private void respond(HttpServerRequest req, ApiResponse response) {
        if (req.response().ended() || req.response().closed()) {
            return;
        }
        req.response().setStatusCode(response.status());
        if (response.body() == null) {
            finish(req, null);
        } else if (response.body() instanceof ApiResponse.Text text) {
            req.response().putHeader("Content-Type", text.contentType());
            finish(req, Buffer.buffer(text.text()));
        } else {
            req.response().putHeader("Content-Type", "application/json; charset=utf-8");
            try {
                finish(req, Buffer.buffer(EventJson.mapper().writeValueAsBytes(response.body())));
            } catch (JsonProcessingException e) {
                LOG.warn("could not write the response of {} {}", req.method(), req.path(), e);
                req.response().setStatusCode(500);
                finish(req, Buffer.buffer("{\"error\":\"internal error\"}"));
            }
        }
    }

    /** Maps any failure to a JSON error; only {@link ApiException} texts reach the caller verbatim. */
    private void respond(HttpServerRequest req, Throwable failure) {
        ApiException e;
        if (failure instanceof ApiException api) {
            e = api;
        } else if (failure instanceof ChangePublisher.PublishException) {
            e = new ApiException(503, failure.getMessage() + "; nothing was changed");
        } else if (failure instanceof SQLTransientConnectionException
                || failure instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
            LOG.warn("PostgreSQL not available for {} {}: {}", req.method(), req.path(), failure.toString());
            e = new ApiException(503, "PostgreSQL is not available; try again later");
        } else {
            LOG.warn("internal error in {} {}", req.method(), req.path(), failure);
            e = new ApiException(500, "internal error; the API log has the details");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("field", e.field());
        if (!e.problems().isEmpty()) {
            body.put("problems", e.problems());
        }
        respond(req, ApiResponse.of(e.status(), body));
    }

    /** Ends the response; if the request body was not read to its end, closes the connection so nothing is left over. */
    private static void finish(HttpServerRequest req, Buffer body) {
        boolean unread = !req.isEnded();
        if (unread) {
            req.response().putHeader("Connection", "close");
        }
        var done = body == null ? req.response().end() : req.response().end(body);
        if (unread) {
            done.onComplete(ar -> req.connection().close());
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.debug("closing the HTTP server", e);
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("closing Vert.x", e);
        }
        admin.close(java.time.Duration.ofSeconds(2));
        publisher.close();
        pool.close();
    }
}

package io.hubwatch.collector.host.internal;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The agent's own HTTP endpoint on one small Vert.x event loop: {@code GET /health} (JSON) and {@code GET /metrics}
 * (Prometheus text). Both are answered from counters in memory, so they respond even while Kafka is down.
 *
 * <pre>{@code
 * AgentHttpServer http = AgentHttpServer.start("127.0.0.1", 0, () -> healthJson, registry::scrape);
 * int port = http.port();
 * http.close(Duration.ofSeconds(2));
 * }</pre>
 */
public final class AgentHttpServer {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final HttpServer server;

    private AgentHttpServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException naming the address when it cannot be bound (port taken, no such interface)
     */
    public static AgentHttpServer start(String host, int port, Supplier<String> healthJson, Supplier<String> metricsText) {
        // one event loop and no file cache: the agent must stay small and must not write a .vertx directory
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setUseDaemonThread(true)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> handle(request, healthJson, metricsText))
                    .listen(port, host)
                    .await(10, TimeUnit.SECONDS);
            return new AgentHttpServer(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("could not serve health and metrics on " + host + ":" + port + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    private static void handle(HttpServerRequest request, Supplier<String> healthJson, Supplier<String> metricsText) {
        String path = request.path();
        boolean known = path.equals("/health") || path.equals("/metrics");
        if (!known) {
            request.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("not found: " + path + " (try /health or /metrics)\n");
            return;
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            request.response().setStatusCode(405).putHeader("Allow", "GET")
                    .putHeader("Content-Type", "text/plain; charset=utf-8").end("use GET\n");
            return;
        }
        try {
            if (path.equals("/health")) {
                request.response().putHeader("Content-Type", "application/json").end(healthJson.get());
            } else {
                request.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(metricsText.get());
            }
        } catch (RuntimeException e) {
            request.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("could not build " + path + ": " + e.getMessage() + "\n");
        }
    }

    /** The port actually bound (useful when 0 was asked for). */
    public int port() {
        return server.actualPort();
    }

    public void close(Duration timeout) {
        try {
            vertx.close().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // closing is best effort: the threads are daemons and the socket dies with the process
        }
    }
}

package io.hubwatch.proxy.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real upstream HTTP server for the tests: routes by path, counts requests per path, can be stopped and started
 * again on the same port.
 */
public final class TestUpstream implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, Consumer<HttpServerRequest>> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private volatile HttpServer server;
    private int port;

    public TestUpstream() {
        start();
    }

    public TestUpstream route(String path, Consumer<HttpServerRequest> handler) {
        routes.put(path, handler);
        return this;
    }

    /** A JSON route answering {@code body} after {@code delayMillis}, with the given extra headers. */
    public TestUpstream json(String path, String body, long delayMillis, String... headers) {
        return route(path, req -> {
            Runnable answer = () -> {
                var resp = req.response().putHeader("Content-Type", "application/json");
                for (int i = 0; i + 1 < headers.length; i += 2) {
                    resp.putHeader(headers[i], headers[i + 1]);
                }
                resp.end(body);
            };
            if (delayMillis > 0) {
                vertx.setTimer(delayMillis, id -> answer.run());
            } else {
                answer.run();
            }
        });
    }

    public int count(String path) {
        AtomicInteger c = counts.get(path);
        return c == null ? 0 : c.get();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public void start() {
        try {
            server = vertx.createHttpServer().requestHandler(req -> {
                counts.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
                Consumer<HttpServerRequest> h = routes.get(req.path());
                if (h == null) {
                    req.response().setStatusCode(404).end("no route " + req.path());
                } else {
                    h.accept(req);
                }
            }).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            port = server.actualPort();
        } catch (Exception e) {
            throw new IllegalStateException("test upstream did not start", e);
        }
    }

    public void stop() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        vertx.close();
    }
}

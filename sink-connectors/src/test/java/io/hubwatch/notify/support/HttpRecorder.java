package io.hubwatch.notify.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real local HTTP server (Vert.x) that records every POST and answers with a configurable status. It can be
 * stopped and started again on the same port, to play a receiver that is down.
 */
public final class HttpRecorder implements AutoCloseable {
    /** One received request. */
    public record Request(String path, Map<String, String> headers, String body) {}

    private final Vertx vertx = Vertx.vertx();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int status = 200;
    private volatile long delayMillis;
    private HttpServer server;
    private int port;

    public HttpRecorder() {
        start(0);
    }

    private void start(int wanted) {
        try {
            server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
                received.incrementAndGet();
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                req.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
                Runnable answer = () -> {
                    if (status < 300) {
                        requests.add(new Request(req.path(), headers, body.toString()));
                    }
                    req.response().setStatusCode(status).end(status < 300 ? "ok" : "receiver says no");
                };
                if (delayMillis > 0) {
                    vertx.setTimer(delayMillis, t -> answer.run());
                } else {
                    answer.run();
                }
            })).listen(wanted, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            port = server.actualPort();
        } catch (Exception e) {
            throw new IllegalStateException("test HTTP server did not start: " + e, e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    /** Requests answered with 2xx, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Every request that arrived, whatever it was answered. */
    public int received() {
        return received.get();
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    public void respondWith(int status) {
        this.status = status;
    }

    public void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Closes the listening socket: connections are refused until {@link #restart()}. */
    public void stop() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Listens again on the same port. */
    public void restart() {
        start(port);
    }

    @Override
    public void close() {
        vertx.close();
    }
}

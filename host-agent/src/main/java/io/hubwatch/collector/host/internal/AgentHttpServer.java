package io.hubwatch.collector.host.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agent's own HTTP endpoint on the JDK's built-in server and one thread: {@code GET /health} (JSON) and
 * {@code GET /metrics} (Prometheus text). Both are answered from counters in memory, so they respond even while Kafka
 * is down. The JDK server instead of Vert.x: Netty's and Vert.x's classes were a quarter of the agent's metaspace.
 *
 * <pre>{@code
 * AgentHttpServer http = AgentHttpServer.start("127.0.0.1", 0, () -> healthJson, registry::scrape);
 * int port = http.port();
 * http.close(Duration.ofSeconds(2));
 * }</pre>
 */
public final class AgentHttpServer {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private AgentHttpServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException naming the address when it cannot be bound (port taken, no such interface)
     */
    public static AgentHttpServer start(String host, int port, Supplier<String> healthJson, Supplier<String> metricsText) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not serve health and metrics on " + host + ":" + port + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hubwatch-agent-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> handle(exchange, healthJson, metricsText));
        server.start();
        return new AgentHttpServer(server);
    }

    private static void handle(HttpExchange exchange, Supplier<String> healthJson, Supplier<String> metricsText)
            throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!path.equals("/health") && !path.equals("/metrics")) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: " + path + " (try /health or /metrics)\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                reply(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
            } else {
                String body;
                try {
                    body = path.equals("/health") ? healthJson.get() : metricsText.get();
                } catch (RuntimeException e) {
                    reply(exchange, 500, "text/plain; charset=utf-8", "could not build " + path + ": " + e.getMessage() + "\n");
                    return;
                }
                reply(exchange, 200, path.equals("/health") ? "application/json" : PROMETHEUS_TEXT, body);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port actually bound (useful when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    public void close(Duration timeout) {
        server.stop((int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toSeconds())));
    }
}

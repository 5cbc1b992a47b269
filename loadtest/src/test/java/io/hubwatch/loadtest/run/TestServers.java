package io.hubwatch.loadtest.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Real HTTP servers with a known behaviour for the load generator's tests: one worker thread, so that what the
 * handler does (sleep, stall, slow down) is the server's capacity.
 */
final class TestServers {

    /** What the one worker does for the n-th request (counted from 1). */
    interface Work {
        void handle(long n) throws InterruptedException;
    }

    record Running(HttpServer server, ExecutorService worker) implements AutoCloseable {
        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            worker.shutdownNow();
        }
    }

    private TestServers() {
    }

    static Running start(Work work) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            ExecutorService worker = Executors.newSingleThreadExecutor();
            long[] count = {0};
            server.createContext("/", exchange -> {
                try {
                    work.handle(++count[0]);
                    reply(exchange, 200, "{\"ok\":true}");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reply(exchange, 503, "{}");
                }
            });
            server.setExecutor(worker);
            server.start();
            return new Running(server, worker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    static RunResult run(String yaml, Path dir, java.util.Map<String, String> vars) {
        return LoadTest.run(io.hubwatch.loadtest.scenario.ScenarioLoader.parse(yaml, "test.yaml", vars), dir,
                dir.resolve("logs"), System.err);
    }
}

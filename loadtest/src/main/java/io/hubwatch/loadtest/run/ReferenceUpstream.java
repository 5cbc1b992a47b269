package io.hubwatch.loadtest.run;

import io.hubwatch.collector.load.LatencyDistribution;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference upstream of the load tests: answers every request with a JSON body of a given size after a delay
 * drawn from a latency distribution (timers, not threads, so thousands can wait at once), and a share of 500s.
 * Served directly it is the reference target that the regression gate divides by.
 *
 * <pre>{@code
 * try (ReferenceUpstream up = ReferenceUpstream.start(LatencyDistribution.parse("lognormal:60:0.6"), 1700,
 *         "public, max-age=300", 0.0)) {
 *     System.out.println(up.url());
 * }
 * }</pre>
 */
public final class ReferenceUpstream implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    private final AtomicLong served;

    private ReferenceUpstream(Vertx vertx, HttpServer server, AtomicLong served) {
        this.vertx = vertx;
        this.server = server;
        this.served = served;
    }

    public static ReferenceUpstream start(LatencyDistribution latency, int bodyBytes, String cacheControl,
                                          double errorRate) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        Buffer body = Buffer.buffer(body(bodyBytes));
        SplittableRandom random = new SplittableRandom(7);
        AtomicLong served = new AtomicLong();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(req -> {
                served.incrementAndGet();
                // one event loop: the random is only touched from it
                long delay = Math.round(latency.sample(random, 1));
                boolean fail = errorRate > 0 && random.nextDouble() < errorRate;
                Runnable answer = () -> {
                    if (fail) {
                        req.response().setStatusCode(500).end("{\"error\":\"planted failure\"}");
                    } else {
                        req.response().putHeader("Content-Type", "application/json")
                                .putHeader("Cache-Control", cacheControl).end(body);
                    }
                };
                req.end().onComplete(v -> {
                    if (delay >= 1) {
                        vertx.setTimer(delay, t -> answer.run());
                    } else {
                        answer.run();
                    }
                });
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new ReferenceUpstream(vertx, server, served);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the reference upstream could not listen: " + e.getMessage(), e);
        }
    }

    static String body(int bytes) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
        int i = 0;
        while (sb.length() < bytes - 60) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":\"hub-model-").append(i).append("\",\"object\":\"model\",\"ctx\":").append(8192 << (i % 4))
                    .append('}');
            i++;
        }
        return sb.append("]}").toString();
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public long served() {
        return served.get();
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null)
                .join();
    }
}

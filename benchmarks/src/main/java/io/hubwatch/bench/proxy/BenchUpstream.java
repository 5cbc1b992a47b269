package io.hubwatch.bench.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream of the proxy benchmarks: answers every GET with the same 1.7 KB JSON document (an AI hub's model
 * list), after an optional fixed delay. Usage: {@code BenchUpstream PORT [DELAY_MS]}.
 */
public final class BenchUpstream {

    /** A 1.7 KB model-list JSON, the body every benchmark caches. */
    public static final String BODY = modelList();

    private BenchUpstream() {
    }

    static String modelList() {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
        int i = 0;
        while (sb.length() < 1650) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":\"hub-model-").append(i).append("\",\"object\":\"model\",\"owned_by\":\"hubwatch\",\"ctx\":")
                    .append(8192 << (i % 4)).append('}');
            i++;
        }
        return sb.append("]}").toString();
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        long delay = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Buffer body = Buffer.buffer(BODY);
        AtomicLong served = new AtomicLong();
        vertx.createHttpServer().requestHandler(req -> {
            served.incrementAndGet();
            Runnable answer = () -> req.response().putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "public, max-age=300").end(body);
            if (delay > 0) {
                vertx.setTimer(delay, t -> answer.run());
            } else {
                answer.run();
            }
        }).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        System.out.println("bench upstream on 127.0.0.1:" + port + " delay " + delay + " ms, body " + BODY.length()
                + " bytes");
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                System.out.println("bench upstream served " + served.get() + " requests")));
    }
}

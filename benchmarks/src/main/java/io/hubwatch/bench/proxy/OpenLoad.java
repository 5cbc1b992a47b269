package io.hubwatch.bench.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-model load generator: requests start on a fixed schedule whatever the server does, and each latency is
 * measured from the request's intended start, so a stall shows up in the percentiles instead of hiding
 * (no coordinated omission). A share of requests asks for keys already cached (hits), the rest for new keys (misses).
 *
 * <p>Usage: {@code OpenLoad HOST PORT PATH RATE SECONDS HIT_RATIO HOT_KEYS}, e.g.
 * {@code OpenLoad 127.0.0.1 18080 /api/v1/models 1000 30 0.8 100}.
 */
public final class OpenLoad {

    private OpenLoad() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        double hitRatio = Double.parseDouble(args[5]);
        int hotKeys = Integer.parseInt(args[6]);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(512));
        // warm the hot keys (they are the hits)
        for (int k = 0; k < hotKeys; k++) {
            send(client, host, port, path + "?hot=" + k).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        Histogram all = new Histogram(60_000_000_000L, 3);
        Histogram hits = new Histogram(60_000_000_000L, 3);
        Histogram misses = new Histogram(60_000_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        long total = (long) rate * seconds;
        CountDownLatch done = new CountDownLatch((int) total);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (long i = 0; i < total; i++) {
            long intended = start + i * intervalNanos;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 200_000));
            }
            boolean hit = random.nextDouble() < hitRatio;
            String target = hit ? path + "?hot=" + random.nextInt(hotKeys) : path + "?miss=" + i;
            send(client, host, port, target).onComplete(ar -> {
                long latency = System.nanoTime() - intended;
                synchronized (all) {
                    all.recordValue(latency);
                    (hit ? hits : misses).recordValue(latency);
                }
                if (ar.failed() || ar.result() != 200) {
                    errors.incrementAndGet();
                }
                done.countDown();
            });
        }
        boolean finished = done.await(60, TimeUnit.SECONDS);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        synchronized (all) {
            System.out.printf("open-model: %d requests at %d/s for %d s (hit share %.2f), finished=%s, errors=%d, wall %d ms%n",
                    total, rate, seconds, hitRatio, finished, errors.get(), elapsedMs);
            print("all", all);
            print("hits", hits);
            print("misses", misses);
        }
        vertx.close();
    }

    private static io.vertx.core.Future<Integer> send(HttpClient client, String host, int port, String uri) {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri))
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())));
    }

    private static void print(String name, Histogram h) {
        System.out.printf("%-6s n=%d p50=%.2f ms p90=%.2f ms p95=%.2f ms p99=%.2f ms max=%.2f ms%n", name,
                h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}

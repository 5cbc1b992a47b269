package io.hubwatch.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubwatch.proxy.ProxyServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Redis is a cache level, never a dependency: its outage costs no client request. */
class RedisOutageITCase {

    @Test
    void redisStoppedAndStartedDuringALoadFailsNoClientRequestAndL2IsUsedAgainAfterItReturns() throws Exception {
        try (TestUpstream upstream = new TestUpstream(); RedisProcess redis = new RedisProcess()) {
            upstream.route("/api/v1/stats", req -> req.response().putHeader("Content-Type", "application/json")
                    .end("{\"q\":\"" + req.query() + "\"}"));
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), redis.uri(),
                    Map.of("/api/v1/stats", Map.of("ttl", "1s")), Map.of("redis_timeout", "200ms")));
            // the first request pays for class loading, which takes seconds on a loaded machine: not under test
            assertThat(Proxies.get(proxy, "/api/v1/stats?warm=1").statusCode()).isEqualTo(200);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            List<Thread> clients = new java.util.ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    int i = 0;
                    while (running.get()) {
                        // in sorted order: the proxy forwards the query sorted, as it keys it
                        String q = "c=" + client + "&k=" + (i++ % 50);
                        try {
                            HttpResponse<String> r = Proxies.CLIENT.send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + proxy.port() + "/api/v1/stats?" + q))
                                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200 && r.body().contains(q)) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                });
                t.start();
                clients.add(t);
            }
            try {
                // upper bounds only: on a loaded machine a miss can take hundreds of milliseconds
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(proxy.core().l2Available()
                        && ok.get() > 200).as("L2 available: %s, ok: %s, failures: %s", proxy.core().l2Available(),
                        ok.get(), failures.stream().limit(3).toList()).isTrue());
                redis.stop();
                int beforeOutage = ok.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.core().l2Available());
                // requests keep succeeding while Redis is down
                await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() > beforeOutage + 100);
                assertThat(proxy.core().l2Available()).isFalse();
                redis.start();
                await().atMost(Duration.ofSeconds(15)).until(() -> proxy.core().l2Available());
                // after the TTL the entries are rewritten into the new, empty Redis
                await().atMost(Duration.ofSeconds(10)).until(() -> redisKeyCount(redis.port()) > 0);
                // and read from: with L1 emptied, requests are answered from the new Redis
                long l2HitsBefore = proxy.core().stats.endpoint("/api/v1/stats").l2Hits.sum();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    proxy.core().l1.invalidateAll();
                    Thread.sleep(100);
                    return proxy.core().stats.endpoint("/api/v1/stats").l2Hits.sum() > l2HitsBefore;
                });
            } finally {
                running.set(false);
                for (Thread t : clients) {
                    t.join(10_000);
                }
                proxy.close();
            }
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(500);
        }
    }

    @Test
    void aProxyStartedWhileRedisIsDownServesAndTakesUpL2WhenRedisComesUp() throws Exception {
        try (TestUpstream upstream = new TestUpstream(); RedisProcess redis = new RedisProcess()) {
            upstream.json("/api/v1/models", "{\"m\":1}", 0);
            redis.stop();
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), redis.uri(),
                    Map.of("/api/v1/models", Map.of("ttl", "60s")), Map.of()));
            try {
                assertThat(Proxies.get(proxy, "/api/v1/models").statusCode()).isEqualTo(200);
                assertThat(Proxies.xCache(Proxies.get(proxy, "/api/v1/models"))).isEqualTo("HIT");
                assertThat(proxy.core().l2Available()).isFalse();
                redis.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> proxy.core().l2Available());
                Proxies.get(proxy, "/api/v1/models?after=1");
                await().atMost(Duration.ofSeconds(5)).until(() -> redisKeyCount(redis.port()) > 0);
            } finally {
                proxy.close();
            }
        }
    }

    private static long redisKeyCount(int port) throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "DBSIZE").start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package io.hubwatch.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.ProxyServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CoalescingITCase {

    @Test
    void twoHundredConcurrentRequestsForOneColdKeyMakeExactlyOneUpstreamRequest() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            upstream.json("/api/v1/models", "{\"models\":[\"a\",\"b\"]}", 500);
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), "redis://127.0.0.1:6379",
                    Map.of("/api/v1/models", Map.of("ttl", "60s")), Map.of()));
            try {
                // 200 threads released together, so every request is in flight while the upstream is still slow
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    CompletableFuture<HttpResponse<String>> f = new CompletableFuture<>();
                    all.add(f);
                    Thread t = new Thread(() -> {
                        try {
                            go.await();
                            f.complete(Proxies.CLIENT.send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + proxy.port() + "/api/v1/models")).build(),
                                    HttpResponse.BodyHandlers.ofString()));
                        } catch (Exception e) {
                            f.completeExceptionally(e);
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                go.countDown();
                for (Thread t : threads) {
                    t.join(30_000);
                }
                assertThat(all).allSatisfy(f -> {
                    assertThat(f.join().statusCode()).isEqualTo(200);
                    assertThat(f.join().body()).isEqualTo("{\"models\":[\"a\",\"b\"]}");
                });
                assertThat(upstream.count("/api/v1/models")).isEqualTo(1);
                assertThat(proxy.core().coalescer.coalescedCount()
                        + proxy.core().stats.endpoint("/api/v1/models").l1Hits.sum()).isEqualTo(199);
            } finally {
                proxy.close();
            }
        }
    }
}

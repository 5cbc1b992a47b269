package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.ProxyServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Refresh-ahead and stale-if-error, against a real upstream that changes and fails. */
class FreshnessITCase {

    @Test
    void aHotKeyServedAtASteadyRateAcrossItsTtlShowsNoClientVisibleMiss() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            AtomicInteger version = new AtomicInteger();
            upstream.route("/api/v1/models", req -> upstream.vertx().setTimer(50, t -> req.response()
                    .putHeader("Content-Type", "application/json")
                    .end("{\"version\":" + version.incrementAndGet() + "}")));
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), null,
                    Map.of("/api/v1/models", Map.of("ttl", "1s", "stale_if_error", "0s")), Map.of()));
            try {
                assertThat(xCache(get(proxy, "/api/v1/models"))).isEqualTo("MISS");
                List<String> outcomes = new ArrayList<>();
                long end = System.currentTimeMillis() + 4_000; // four TTLs
                while (System.currentTimeMillis() < end) {
                    HttpResponse<String> r = get(proxy, "/api/v1/models");
                    assertThat(r.statusCode()).isEqualTo(200);
                    outcomes.add(xCache(r));
                    Thread.sleep(40);
                }
                assertThat(outcomes).hasSizeGreaterThan(40).containsOnly("HIT");
                // refreshed in the background about once per TTL
                assertThat(upstream.count("/api/v1/models")).isBetween(4, 8);
            } finally {
                proxy.close();
            }
        }
    }

    @Test
    void whenTheUpstreamStopsClientsGetTheStaleCopyInsideTheWindowAndAnErrorAfterIt() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            upstream.json("/api/v1/config", "{\"config\":1}", 0);
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), null,
                    Map.of("/api/v1/config", Map.of("ttl", "1s", "stale_if_error", "2s", "refresh_ahead", false)),
                    Map.of("upstream_timeout", "1s")));
            try {
                assertThat(get(proxy, "/api/v1/config").body()).isEqualTo("{\"config\":1}");
                upstream.stop();
                Thread.sleep(1_300); // past the TTL, inside the 2 s stale-if-error window
                HttpResponse<String> stale = get(proxy, "/api/v1/config");
                assertThat(stale.statusCode()).isEqualTo(200);
                assertThat(stale.body()).isEqualTo("{\"config\":1}");
                assertThat(xCache(stale)).isEqualTo("STALE");
                Thread.sleep(2_000); // now 3.3 s old: past TTL + window
                HttpResponse<String> after = get(proxy, "/api/v1/config");
                assertThat(after.statusCode()).isEqualTo(502);
            } finally {
                proxy.close();
            }
        }
    }

    @Test
    void staleWhileRevalidateServesTheOldCopyAndRefreshesInTheBackground() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            AtomicInteger version = new AtomicInteger();
            upstream.route("/api/v1/stats", req -> req.response().end("v" + version.incrementAndGet()));
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), null,
                    Map.of("/api/v1/stats", Map.of("ttl", "1s", "stale_while_revalidate", "10s",
                            "refresh_ahead", false)), Map.of()));
            try {
                assertThat(get(proxy, "/api/v1/stats").body()).isEqualTo("v1");
                Thread.sleep(1_200);
                HttpResponse<String> stale = get(proxy, "/api/v1/stats");
                assertThat(stale.body()).isEqualTo("v1");
                assertThat(xCache(stale)).isEqualTo("STALE");
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                        .until(() -> get(proxy, "/api/v1/stats").body().equals("v2"));
            } finally {
                proxy.close();
            }
        }
    }

    @Test
    void aFailingUpstreamIsNotRetriedOnEveryStaleHit() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            AtomicInteger calls = new AtomicInteger();
            upstream.route("/api/v1/stats", req -> {
                if (calls.incrementAndGet() == 1) {
                    req.response().end("ok");
                } else {
                    req.response().setStatusCode(500).end("broken");
                }
            });
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), null,
                    Map.of("/api/v1/stats", Map.of("ttl", "1s", "stale_while_revalidate", "30s",
                            "refresh_ahead", false)), Map.of()));
            try {
                get(proxy, "/api/v1/stats");
                Thread.sleep(1_100);
                for (int i = 0; i < 50; i++) {
                    HttpResponse<String> r = get(proxy, "/api/v1/stats");
                    assertThat(r.body()).isEqualTo("ok");
                    assertThat(xCache(r)).isEqualTo("STALE");
                }
                // one failed revalidation, then at most one more a second
                assertThat(upstream.count("/api/v1/stats")).isBetween(2, 4);
            } finally {
                proxy.close();
            }
        }
    }
}

package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.ProxyServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** No response of one user ever reaches another, under concurrency, through L1 or L2. */
class UserIsolationITCase {

    static TestUpstream upstream;
    static ProxyServer proxy;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        // the body names the user the upstream saw, so a leak is visible in the body
        java.util.function.Consumer<io.vertx.core.http.HttpServerRequest> whoAmI = req -> upstream.vertx()
                .setTimer(20, t -> req.response().putHeader("Content-Type", "application/json")
                        .end("{\"user\":\"" + req.getHeader("X-User-Id") + "\",\"auth\":\""
                                + req.getHeader("Authorization") + "\"}"));
        upstream.route("/api/v1/stats", whoAmI);
        upstream.route("/api/v1/stats/t", whoAmI);
        upstream.route("/api/v1/models/private", req -> req.response().putHeader("Cache-Control", "private, max-age=60")
                .end("{\"user\":\"" + req.getHeader("X-User-Id") + "\"}"));
        upstream.route("/api/v1/models/private2", req -> req.response().putHeader("Cache-Control", "private")
                .end("{\"user\":\"" + req.getHeader("X-User-Id") + "\"}"));
        upstream.route("/api/v1/models/cookie", req -> req.response().putHeader("Set-Cookie", "session=" + req.getHeader("X-User-Id"))
                .end("{\"user\":\"" + req.getHeader("X-User-Id") + "\"}"));
        proxy = Proxies.start(Proxies.config(upstream.url(), "redis://127.0.0.1:6379", Map.of(
                "/api/v1/stats", Map.of("ttl", "60s", "vary_by_user", true),
                "/api/v1/models", Map.of("ttl", "60s", "vary_by_user", false)), Map.of()));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void aUsersResponseUnderAVaryByUserEndpointIsNeverServedToAnotherUserUnderConcurrency() {
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int u = 0; u < 40; u++) {
                String user = "user-" + u;
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                        + "/api/v1/stats?window=1h")).header("X-User-Id", user).build();
                checks.add(Proxies.CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> r.statusCode() == 200 && r.body().contains("\"user\":\"" + user + "\"")));
            }
        }
        assertThat(checks.stream().map(CompletableFuture::join)).hasSize(200).containsOnly(true);
        // 40 users: each fetched once, later rounds are hits of their own entry
        assertThat(upstream.count("/api/v1/stats")).isEqualTo(40);
    }

    @Test
    void bearerTokensKeySeparateEntriesWithoutSharing() {
        HttpResponse<String> a = get(proxy, "/api/v1/stats/t?token=1", "Authorization", "Bearer token-a");
        HttpResponse<String> b = get(proxy, "/api/v1/stats/t?token=1", "Authorization", "Bearer token-b");
        HttpResponse<String> a2 = get(proxy, "/api/v1/stats/t?token=1", "Authorization", "Bearer token-a");
        assertThat(a.body()).contains("token-a");
        assertThat(b.body()).contains("token-b");
        assertThat(a2.body()).contains("token-a");
        assertThat(xCache(a2)).isEqualTo("HIT");
    }

    @Test
    void aPerUserRequestWithOnlyACookieForIdentityIsKeyedByTheCookie() {
        HttpResponse<String> r1 = get(proxy, "/api/v1/stats/t?cookie=1", "Cookie", "session=eve");
        HttpResponse<String> r2 = get(proxy, "/api/v1/stats/t?cookie=1", "Cookie", "session=frank");
        HttpResponse<String> r3 = get(proxy, "/api/v1/stats/t?cookie=1", "Cookie", "session=eve");
        assertThat(xCache(r1)).isEqualTo("MISS");
        assertThat(xCache(r2)).isEqualTo("MISS");
        assertThat(xCache(r3)).isEqualTo("HIT");
    }

    @Test
    void aPrivateResponseIsNeverShared() {
        HttpResponse<String> a = get(proxy, "/api/v1/models/private", "X-User-Id", "alice");
        HttpResponse<String> b = get(proxy, "/api/v1/models/private", "X-User-Id", "bob");
        assertThat(a.body()).contains("alice");
        assertThat(b.body()).contains("bob");
        assertThat(xCache(b)).isNotEqualTo("HIT");
        assertThat(upstream.count("/api/v1/models/private")).isEqualTo(2);
    }

    @Test
    void aSetCookieResponseIsNeverShared() {
        HttpResponse<String> a = get(proxy, "/api/v1/models/cookie", "X-User-Id", "carol");
        HttpResponse<String> b = get(proxy, "/api/v1/models/cookie", "X-User-Id", "dave");
        assertThat(a.headers().firstValue("Set-Cookie")).contains("session=carol");
        assertThat(b.headers().firstValue("Set-Cookie")).contains("session=dave");
        assertThat(b.body()).contains("dave");
        assertThat(upstream.count("/api/v1/models/cookie")).isEqualTo(2);
    }

    @Test
    void concurrentMissesOfAPrivateResponseEachGetTheirOwn() {
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            String user = "p-" + u;
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                    + "/api/v1/models/private2")).header("X-User-Id", user).build();
            checks.add(Proxies.CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r.body().contains("\"user\":\"" + user + "\"")));
        }
        assertThat(checks.stream().map(CompletableFuture::join)).containsOnly(true);
    }
}

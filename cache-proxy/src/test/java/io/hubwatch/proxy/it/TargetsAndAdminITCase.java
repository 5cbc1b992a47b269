package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.ProxyServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the upstream is exactly what is keyed, request targets the proxy cannot key are refused, request
 * Cache-Control is honoured, and the admin routes need the admin token or live on their own listener.
 */
class TargetsAndAdminITCase {

    static TestUpstream upstream;
    static ProxyServer proxy;
    static final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        java.util.function.Consumer<io.vertx.core.http.HttpServerRequest> record = req -> {
            seen.add(req.uri());
            req.response().putHeader("Content-Type", "application/json").end("{\"uri\":\"" + req.uri() + "\",\"user\":\""
                    + req.getHeader("X-User-Id") + "\"}");
        };
        upstream.route("/api/v1/models/x", record);
        upstream.route("/api/v1/models/nc", record);
        upstream.route("/api/v1/stats", record);
        proxy = Proxies.start(Proxies.config(upstream.url(), null, Map.of(
                "/api/v1/models", Map.of("ttl", "60s"),
                "/api/v1/stats", Map.of("ttl", "60s", "vary_by_user", true)), Map.of()));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close();
    }

    static String raw(int port, String requestLine) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAbsoluteFormTargetIsRefusedWith400AndNothingReachesTheUpstream() throws Exception {
        int before = seen.size();
        String answer = raw(proxy.port(), "GET http://127.0.0.1:1/api/v1/models/x HTTP/1.1");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("origin-form");
        assertThat(seen).hasSize(before);
    }

    @Test
    void theUpstreamIsAskedExactlyTheNormalizedTargetTheEntryIsKeyedBy() {
        HttpResponse<String> first = get(proxy, "/api/v1//models/./x/?b=2&a=1");
        assertThat(seen).contains("/api/v1/models/x?a=1&b=2");
        assertThat(first.body()).contains("/api/v1/models/x?a=1&b=2");
        HttpResponse<String> same = get(proxy, "/api/v1/models/%78?a=1&b=2");
        assertThat(xCache(same)).isEqualTo("HIT");
        assertThat(proxy.core().l1.get("GET /api/v1/models/x?a=1&b=2")).isNotNull();
    }

    @Test
    void anEncodedDotSegmentCannotReachAPerUserEndpointThroughASharedOne() {
        // the upstream would resolve /models/%2e%2e/stats to /stats: so does the proxy, and keys it per user
        HttpResponse<String> alice = get(proxy, "/api/v1/models/%2e%2e/stats?dot=1", "X-User-Id", "alice");
        assertThat(seen).contains("/api/v1/stats?dot=1");
        assertThat(alice.headers().firstValue("Cache-Control")).contains("private");
        HttpResponse<String> anonymous = get(proxy, "/api/v1/models/%2e%2e/stats?dot=1");
        assertThat(anonymous.body()).doesNotContain("alice");
    }

    @Test
    void aRequestThatSaysNoCacheOrMaxAgeZeroIsAnsweredFromTheUpstreamAndOnlyIfCachedNever() {
        get(proxy, "/api/v1/models/nc?v=1");
        assertThat(xCache(get(proxy, "/api/v1/models/nc?v=1"))).isEqualTo("HIT");
        int before = upstream.count("/api/v1/models/nc");
        assertThat(xCache(get(proxy, "/api/v1/models/nc?v=1", "Cache-Control", "no-cache"))).isEqualTo("MISS");
        assertThat(xCache(get(proxy, "/api/v1/models/nc?v=1", "Cache-Control", "max-age=0"))).isEqualTo("MISS");
        assertThat(xCache(get(proxy, "/api/v1/models/nc?v=1", "Pragma", "no-cache"))).isEqualTo("MISS");
        assertThat(upstream.count("/api/v1/models/nc")).isEqualTo(before + 3);
        assertThat(xCache(get(proxy, "/api/v1/models/nc?v=1", "Cache-Control", "max-age=60"))).isEqualTo("HIT");
        HttpResponse<String> cold = get(proxy, "/api/v1/models/nc?v=cold", "Cache-Control", "only-if-cached");
        assertThat(cold.statusCode()).isEqualTo(504);
        assertThat(upstream.count("/api/v1/models/nc")).isEqualTo(before + 3);
    }

    @Test
    void theUpstreamsMaxAgeShortensTheEndpointTtlOnTheProxysClock() {
        upstream.route("/api/v1/models/short", req -> req.response().putHeader("Cache-Control", "max-age=5")
                .end("{\"n\":" + upstream.count("/api/v1/models/short") + "}"));
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);
        java.time.InstantSource clock = () -> java.time.Instant.ofEpochMilli(now.get());
        try (ProxyServer p = ProxyServer.start(Proxies.config(upstream.url(), null,
                Map.of("/api/v1/models", Map.of("ttl", "60s")), Map.of()), clock)) {
            assertThat(xCache(get(p, "/api/v1/models/short"))).isEqualTo("MISS");
            now.addAndGet(4_000);
            HttpResponse<String> hit = get(p, "/api/v1/models/short");
            assertThat(xCache(hit)).isEqualTo("HIT");
            assertThat(hit.headers().firstValue("Age")).contains("4");
            now.addAndGet(2_000);
            assertThat(xCache(get(p, "/api/v1/models/short"))).isEqualTo("MISS");
            assertThat(upstream.count("/api/v1/models/short")).isEqualTo(2);
        }
    }

    @Test
    void adminRoutesNeedTheTokenExceptHealth() {
        assertThat(get(proxy, "/_proxy/stats").statusCode()).isEqualTo(401);
        assertThat(get(proxy, "/_proxy/stats", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get(proxy, "//_proxy/./stats").statusCode()).isEqualTo(401);
        assertThat(Proxies.admin(proxy, "/_proxy/stats").statusCode()).isEqualTo(200);
        assertThat(get(proxy, "/_proxy/health").statusCode()).isEqualTo(200);
        HttpResponse<String> purge = send(proxy.port(), "/_proxy/purge?prefix=/", null);
        assertThat(purge.statusCode()).isEqualTo(401);
    }

    @Test
    void withoutAConfiguredTokenOneIsDrawnAndWrittenOwnerReadableOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state/proxy-admin-token");
        Map<String, Object> extra = new java.util.HashMap<>();
        extra.put("admin_token", "");
        extra.put("admin_token_file", file.toString());
        try (ProxyServer p = Proxies.start(Proxies.config(upstream.url(), null, Map.of(), extra))) {
            String token = Files.readString(file).trim();
            assertThat(token).hasSizeGreaterThan(20).isEqualTo(p.adminToken());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(get(p, "/_proxy/stats").statusCode()).isEqualTo(401);
            assertThat(get(p, "/_proxy/stats", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            assertThat(p.adminDescription()).contains(file.toString()).doesNotContain(token);
            assertThat(p.config().toString()).doesNotContain(token);
        }
    }

    @Test
    void onASeparateAdminListenerTheMainOneServesNoAdminRoute() throws Exception {
        Map<String, Object> extra = new java.util.HashMap<>();
        extra.put("admin_token", "");
        extra.put("admin_listen", "127.0.0.1:0");
        try (ProxyServer p = Proxies.start(Proxies.config(upstream.url(), null, Map.of(), extra))) {
            assertThat(p.adminPort()).isPositive();
            assertThat(get(p, "/_proxy/stats").statusCode()).isEqualTo(404);
            assertThat(send(p.adminPort(), "/_proxy/stats", null).statusCode()).isEqualTo(200);
            assertThat(send(p.adminPort(), "/_proxy/profile", null).body()).contains("ranked_by");
        }
    }

    static HttpResponse<String> send(int port, String target, String auth) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                    .POST(HttpRequest.BodyPublishers.noBody());
            if (target.startsWith("/_proxy/stats") || target.startsWith("/_proxy/profile")) {
                b.GET();
            }
            if (auth != null) {
                b.header("Authorization", auth);
            }
            return Proxies.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

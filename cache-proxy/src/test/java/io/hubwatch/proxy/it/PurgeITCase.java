package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.post;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubwatch.proxy.ProxyServer;
import io.hubwatch.proxy.config.ProxyConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two proxy instances sharing one Redis: a purge in one reaches the other's L1. */
class PurgeITCase {

    static TestUpstream upstream;
    static ProxyServer a;
    static ProxyServer b;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        upstream.json("/api/v1/models", "{\"models\":[]}", 0, "Cache-Tag", "models,catalog");
        upstream.json("/api/v1/models/x", "{\"model\":\"x\"}", 0, "Cache-Tag", "catalog");
        upstream.json("/api/v1/config", "{\"config\":{}}", 0);
        ProxyConfig config = Proxies.config(upstream.url(), "redis://127.0.0.1:6379", Map.of(
                "/api/v1/models", Map.of("ttl", "300s"), "/api/v1/config", Map.of("ttl", "300s")), Map.of());
        // same config, same key prefix: the two instances share L2 and the invalidation channel
        a = Proxies.start(config);
        b = Proxies.start(config);
        // a purge published before the other instance subscribed would never reach it
        await().atMost(Duration.ofSeconds(20)).until(() -> a.core().l2Available() && b.core().l2Available()
                && a.core().l2.subscribed() && b.core().l2.subscribed());
    }

    @AfterAll
    static void stop() {
        Proxies.purgeEverything(a);
        a.close();
        b.close();
        upstream.close();
    }

    private static void cachedInBothL1(String target, String key) {
        get(a, target);
        get(b, target);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.core().l1.get(key) != null && b.core().l1.get(key) != null);
    }

    @Test
    void aPurgeByKeyInOneInstanceReachesTheSecondInstancesL1WithinASecond() {
        cachedInBothL1("/api/v1/config?v=1", "GET /api/v1/config?v=1");
        var r = post(a, "/_proxy/purge?key=" + URLEncoder.encode("GET /api/v1/config?v=1", StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> b.core().l1.get("GET /api/v1/config?v=1") == null);
        assertThat(a.core().l1.get("GET /api/v1/config?v=1")).isNull();
        assertThat(xCache(get(b, "/api/v1/config?v=1"))).isEqualTo("MISS");
    }

    @Test
    void aPurgeByEndpointPrefixReachesTheSecondInstance() {
        cachedInBothL1("/api/v1/models?page=2", "GET /api/v1/models?page=2");
        assertThat(post(a, "/_proxy/purge?prefix=/api/v1/models").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> b.core().l1.get("GET /api/v1/models?page=2") == null);
    }

    @Test
    void aPurgeByTagDropsEveryEntryWithTheTagInBothInstances() {
        cachedInBothL1("/api/v1/models/x", "GET /api/v1/models/x");
        cachedInBothL1("/api/v1/config?t=1", "GET /api/v1/config?t=1");
        var r = post(b, "/_proxy/purge?tag=catalog");
        assertThat(r.body()).contains("\"purged\" : \"tag\"");
        await().atMost(Duration.ofSeconds(1)).until(() -> a.core().l1.get("GET /api/v1/models/x") == null);
        assertThat(b.core().l1.get("GET /api/v1/models/x")).isNull();
        assertThat(a.core().l1.get("GET /api/v1/config?t=1")).as("untagged entry stays").isNotNull();
    }

    @Test
    void aPurgeWithoutWhatToPurgeIsABadRequestThatSaysWhy() {
        var r = post(a, "/_proxy/purge?nothing=1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("key=").contains("prefix=").contains("tag=");
    }
}

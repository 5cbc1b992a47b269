package io.hubwatch.proxy.it;

import io.hubwatch.proxy.ProxyServer;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.config.ProxyConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Helpers for proxy tests: a config for a test upstream and a plain JDK HTTP client. */
public final class Proxies {

    public static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The admin token of every test proxy (unless a test overrides it). */
    public static final String ADMIN_TOKEN = "test-admin-token";

    private Proxies() {
    }

    /** A config with port 0, a unique Redis key prefix, no warm-up, and the given endpoints. */
    public static ProxyConfig config(String upstream, String redis, Map<String, Object> endpoints,
                                     Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>();
        m.put("listen", "127.0.0.1:0");
        m.put("upstream", upstream);
        m.put("redis", redis == null ? "none" : redis);
        m.put("redis_key_prefix", "hwtest:" + UUID.randomUUID() + ":");
        m.put("endpoints", endpoints);
        m.put("event_loops", 2);
        m.put("warmup", Map.of("paths", List.of(), "hot_keys_file", ""));
        m.put("admin_token", ADMIN_TOKEN);
        m.putAll(extra);
        return ProxyConfigLoader.fromMap(m, "test");
    }

    public static ProxyServer start(ProxyConfig config) {
        ProxyServer s = ProxyServer.start(config);
        s.awaitWarmup();
        return s;
    }

    public static HttpResponse<String> get(ProxyServer proxy, String target, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + target))
                    .timeout(Duration.ofSeconds(20));
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request " + target + " failed: " + e, e);
        }
    }

    public static HttpResponse<byte[]> getBytes(ProxyServer proxy, String target, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + target))
                    .timeout(Duration.ofSeconds(20));
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException("request " + target + " failed: " + e, e);
        }
    }

    /** A GET of an admin route with the admin token. */
    public static HttpResponse<String> admin(ProxyServer proxy, String target) {
        return get(proxy, target, "Authorization", "Bearer " + ADMIN_TOKEN);
    }

    /** A POST with the admin token (purges). */
    public static HttpResponse<String> post(ProxyServer proxy, String target) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + target))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request " + target + " failed: " + e, e);
        }
    }

    /** Drops every entry of this proxy's Redis key prefix (tests clean up what they stored). */
    public static void purgeEverything(ProxyServer proxy) {
        proxy.core().purgePrefix("/").toCompletableFuture().join();
    }

    public static String xCache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse("");
    }
}

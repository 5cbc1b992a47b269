package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.ProxyServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupAndProtectionITCase {

    @TempDir
    Path dir;

    @Test
    void onStartTheConfiguredPathsAndThePreviousRunsHottestKeysAreFetched() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            upstream.json("/api/v1/models", "{\"m\":1}", 0);
            upstream.json("/api/v1/config", "{\"c\":1}", 0);
            Path hot = dir.resolve("hot-keys.txt");
            Map<String, Object> endpoints = Map.of("/api/v1/models", Map.of("ttl", "300s"),
                    "/api/v1/config", Map.of("ttl", "300s"));
            Map<String, Object> warm = Map.of("warmup", Map.of("paths", List.of("/api/v1/models"),
                    "hot_keys_file", hot.toString()));
            // L1 only: the second run must get its entries by warm-up, not from a shared L2
            ProxyServer first = Proxies.start(Proxies.config(upstream.url(), null, endpoints, warm));
            for (int i = 0; i < 3; i++) {
                get(first, "/api/v1/config?page=7");
            }
            first.close();
            assertThat(Files.readAllLines(hot)).contains("/api/v1/config?page=7");

            int before = upstream.count("/api/v1/config");
            ProxyServer second = Proxies.start(Proxies.config(upstream.url(), null, endpoints, warm));
            try {
                assertThat(upstream.count("/api/v1/config")).isEqualTo(before + 1);
                assertThat(xCache(get(second, "/api/v1/config?page=7"))).isEqualTo("HIT");
                assertThat(xCache(get(second, "/api/v1/models"))).isEqualTo("HIT");
            } finally {
                second.close();
            }
        }
    }

    @Test
    void pastTheUpstreamLimitAndItsQueueRequestsGet503WithRetryAfter() {
        try (TestUpstream upstream = new TestUpstream()) {
            upstream.json("/slow", "{}", 400);
            ProxyServer proxy = Proxies.start(Proxies.config(upstream.url(), null, Map.of(),
                    Map.of("max_upstream_concurrency", 2, "upstream_queue", 2)));
            try {
                List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    all.add(Proxies.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + proxy.port() + "/slow")).build(), HttpResponse.BodyHandlers.ofString()));
                }
                List<HttpResponse<String>> responses = all.stream().map(CompletableFuture::join).toList();
                List<HttpResponse<String>> rejected = responses.stream().filter(r -> r.statusCode() == 503).toList();
                assertThat(responses.stream().filter(r -> r.statusCode() == 200).count()).isGreaterThanOrEqualTo(4);
                assertThat(rejected).isNotEmpty()
                        .allSatisfy(r -> assertThat(r.headers().firstValue("Retry-After")).contains("1"));
                assertThat(upstream.count("/slow")).isEqualTo(12 - rejected.size());
            } finally {
                proxy.close();
            }
        }
    }
}

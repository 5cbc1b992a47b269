package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * The API profiler names where each endpoint's time goes: a slow upstream, a full upstream queue and a cache that
 * misses are each told apart, from real requests to a real upstream (the only waiting is the upstream's own).
 */
class ProfilerITCase {

    static final ObjectMapper JSON = new ObjectMapper();
    static TestUpstream upstream;
    static ProxyServer proxy;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        upstream.json("/api/v1/slow", "{\"slow\":true}", 300);
        upstream.json("/api/v1/queued", "{\"queued\":true}", 100);
        // quick, yet slow enough that a descheduled thread in a sampled cache phase cannot outweigh 30 fetches
        upstream.json("/api/v1/misses", "{\"miss\":true}", 5);
        upstream.json("/api/v1/probe", "{\"probe\":true}", 0);
        // one upstream slot: concurrent misses queue behind each other
        proxy = Proxies.start(Proxies.config(upstream.url(), null, Map.of(
                "/api/v1/slow", Map.of("ttl", "60s"),
                "/api/v1/queued", Map.of("ttl", "60s"),
                "/api/v1/misses", Map.of("ttl", "60s"),
                "/api/v1/probe", Map.of("ttl", "60s")),
                Map.of("max_upstream_concurrency", 1, "upstream_queue", 50)));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close();
    }

    static JsonNode profileOf(String endpoint) throws Exception {
        JsonNode report = JSON.readTree(Proxies.admin(proxy, "/_proxy/profile").body());
        for (JsonNode row : report.get("endpoints")) {
            if (row.get("endpoint").asText().equals(endpoint)) {
                return row;
            }
        }
        throw new AssertionError("no profile of " + endpoint + " in " + report);
    }

    @Test
    void aSlowUpstreamBehindMostlyHitsIsUpstreamBound() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(get(proxy, "/api/v1/slow?k=1").statusCode()).isEqualTo(200);
        }
        JsonNode row = profileOf("/api/v1/slow");
        assertThat(row.get("bottleneck").asText()).isEqualTo("upstream-bound");
        assertThat(row.get("hit_rate").asDouble()).isEqualTo(0.95);
        assertThat(row.at("/phases/upstream_first_byte/total_seconds").asDouble()).isGreaterThanOrEqualTo(0.29);
        assertThat(row.at("/phases/upstream_first_byte/share").asDouble()).isGreaterThan(0.5);
        // the hit path's phases are timed on one request in 16
        assertThat(row.at("/phases/l1_lookup/sampled_one_in").asInt()).isEqualTo(16);
        assertThat(row.at("/phases/l1_lookup/count").asLong()).isLessThanOrEqualTo(2);
    }

    @Test
    void concurrentMissesWaitingForTheOneUpstreamSlotAreQueueBound() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(Proxies.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                    + "/api/v1/queued?k=" + i)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(all.stream().map(CompletableFuture::join).map(HttpResponse::statusCode)).containsOnly(200);
        JsonNode row = profileOf("/api/v1/queued");
        assertThat(row.get("bottleneck").asText()).isEqualTo("queue-bound");
        // six fetches of 100 ms one after another: 0 + 100 + ... + 500 ms waited for the slot
        assertThat(row.at("/phases/upstream_queue/total_seconds").asDouble()).isGreaterThanOrEqualTo(1.4);
        assertThat(row.at("/phases/upstream_queue/count").asLong()).isEqualTo(6);
        JsonNode report = JSON.readTree(Proxies.admin(proxy, "/_proxy/profile").body());
        assertThat(report.at("/endpoints/0/endpoint").asText()).isEqualTo("/api/v1/queued");
        assertThat(report.at("/endpoints/0/rank").asInt()).isEqualTo(1);
    }

    @Test
    void aFastUpstreamBehindACacheThatNeverHitsIsMissBound() throws Exception {
        for (int i = 0; i < 30; i++) {
            assertThat(get(proxy, "/api/v1/misses?k=" + i).statusCode()).isEqualTo(200);
        }
        JsonNode row = profileOf("/api/v1/misses");
        assertThat(row.get("bottleneck").asText()).isEqualTo("miss-bound");
        assertThat(row.get("hit_rate").asDouble()).isZero();
        assertThat(row.at("/phases/upstream_first_byte/count").asLong()).isEqualTo(30);
        assertThat(row.get("reason").asText()).contains("hit rate 0%");
    }

    @Test
    void thePhasesArePrometheusHistogramsInSecondsAndTheProfileNeedsTheAdminToken() {
        get(proxy, "/api/v1/probe");
        String metrics = Proxies.admin(proxy, "/_proxy/metrics").body();
        assertThat(metrics).contains("# HELP hubwatch_proxy_phase_seconds ")
                .contains("# TYPE hubwatch_proxy_phase_seconds histogram")
                .contains("hubwatch_proxy_phase_seconds_bucket{endpoint=\"/api/v1/probe\",phase=\"upstream_first_byte\","
                        + "le=\"0.001\"}")
                .contains("hubwatch_proxy_phase_seconds_count{endpoint=\"/api/v1/probe\",phase=\"upstream_queue\"} 1");
        assertThat(get(proxy, "/_proxy/profile").statusCode()).isEqualTo(401);
    }
}

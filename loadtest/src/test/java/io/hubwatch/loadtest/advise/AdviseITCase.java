package io.hubwatch.loadtest.advise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubwatch.collector.load.LatencyDistribution;
import io.hubwatch.loadtest.report.Reports;
import io.hubwatch.loadtest.run.LoadTest;
import io.hubwatch.loadtest.run.ReferenceUpstream;
import io.hubwatch.loadtest.run.RunResult;
import io.hubwatch.loadtest.scenario.ScenarioLoader;
import io.hubwatch.proxy.ProxyServer;
import io.hubwatch.proxy.config.ProxyConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advisor on real inputs: a real proxy's stats and advice after real traffic, a real load-test report, this host. */
class AdviseITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aPerUserEndpointWithALowHitRateIsNamedWithItsEvidenceAndGain() throws Exception {
        String token = "advise-test-token-0123456789";
        try (ReferenceUpstream upstream = ReferenceUpstream.start(LatencyDistribution.parse("fixed:30"), 1700,
                "public, max-age=300", 0);
             ProxyServer proxy = ProxyServer.start(ProxyConfigLoader.fromMap(Map.of(
                     "listen", "127.0.0.1:0", "upstream", upstream.url(), "redis", "none", "event_loops", 1,
                     "admin_token", token, "user_header", "X-User-Id",
                     "warmup", Map.of("paths", List.of(), "hot_keys_file", ""),
                     "endpoints", Map.of("/api/v1/models", Map.of("ttl", "60s", "vary_by_user", false),
                             "/api/v1/stats", Map.of("ttl", "60s", "vary_by_user", true))), "test"))) {
            String url = "http://127.0.0.1:" + proxy.port();
            // the model list is shared (hits); stats vary by 2,000 users seen about once each (misses)
            RunResult run = LoadTest.run(ScenarioLoader.parse("""
                    targets: {proxy: {url: "%s", stats: /_proxy/stats, stats_token: "%s"}}
                    users: {count: 2000}
                    requests:
                      - {path: /api/v1/models, weight: 1}
                      - {path: /api/v1/stats, headers: {X-User-Id: "${user}"}, weight: 1}
                    phases: [{name: steady, type: constant, rate: 100, duration: 4s}]
                    slos: ["p95 < 2s"]
                    """.formatted(url, token), "advise.yaml", Map.of()), dir, dir.resolve("logs"), System.err);
            JsonNode report = Reports.JSON.readTree(Reports.JSON.writeValueAsString(run));
            JsonNode stats = get(url + "/_proxy/stats", token);
            JsonNode advice = get(url + "/_proxy/advice", token);

            List<Recommendation> recs = Advisor.advise(new Advisor.Inputs(Map.of("proxy", stats),
                    Map.of("proxy", advice), Map.of(), null, HostProbe.sample(), report, null));

            assertThat(recs).anySatisfy(r -> {
                assertThat(r.title()).contains("/api/v1/stats hits only");
                assertThat(r.priority()).isEqualTo(1);
                assertThat(r.evidence()).singleElement().asString().contains("misses", "on a miss");
                assertThat(r.gain()).contains("saves about").contains("upstream calls");
            });
            assertThat(recs).noneMatch(r -> r.title().contains("/api/v1/models hits only"));
            assertThat(recs).anyMatch(r -> r.area().equals("concurrency") && r.title().startsWith("Size pools"));
            assertThat(recs).anyMatch(r -> r.area().equals("host"));

            AdviceReport.write(recs, List.of("proxy"), List.of("database indexes (not configured)"), dir);
            assertThat(Files.readString(dir.resolve("advice.md"))).contains("## 1. ", "**Evidence**", "**Expected gain**",
                    "Not looked at: database indexes (not configured)");
            assertThat(Files.readString(dir.resolve("advice.html"))).contains("<h2>1. ");
        }
    }

    private static JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}

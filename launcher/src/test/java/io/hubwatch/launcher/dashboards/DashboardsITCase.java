package io.hubwatch.launcher.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hubwatch.testing.FreshDatabase;
import io.hubwatch.launcher.HubwatchProcess;
import io.hubwatch.testing.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards, proven on real data: {@code hubwatch up --remote-write} in its own JVM, Debian's Prometheus with the
 * shipped scrape configuration (which reads the targets {@code up} writes) and its remote-write receiver, load driven
 * through the ingest gateway as an AI hub and its pages would send it, an alert firing (one of them silenced) and
 * notified; then every query of every panel of every shipped dashboard is run against that Prometheus and must return
 * data.
 */
class DashboardsITCase {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path PROJECT = Path.of(System.getProperty("user.dir")).getParent();

    /** Every (dashboard / panel, query) pair of the shipped dashboards. */
    static Map<String, String> panelQueries() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(PROJECT.resolve("dashboards/grafana"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = JSON.readTree(file.toFile());
                for (JsonNode p : d.path("panels")) {
                    for (JsonNode t : p.path("targets")) {
                        queries.put(d.path("title").asText() + " / " + p.path("title").asText() + " [" + t.path("refId").asText()
                                + "]", t.path("expr").asText());
                    }
                }
            }
        }
        return queries;
    }

    @Test
    void everyPanelOfEveryDashboardShowsDataFromARunningStack(@TempDir Path home) throws Exception {
        Map<String, String> queries = panelQueries();
        assertThat(queries).hasSizeGreaterThan(20);

        // a webhook receiver for the notifier, counting deliveries
        AtomicInteger delivered = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/alerts", exchange -> {
            exchange.getRequestBody().readAllBytes();
            delivered.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();

        // the shipped scrape configuration, placed as in a checkout: it reads <home>/.hubwatch/prometheus/*.json
        Path config = home.resolve("dashboards/prometheus/prometheus.yml");
        Files.createDirectories(config.getParent());
        Files.copy(PROJECT.resolve("dashboards/prometheus/prometheus.yml"), config);
        Path promDir = Files.createDirectories(home.resolve("prometheus-run"));

        Path rules = home.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - {id: cpu_seen, metric: cpu_usage, op: '>=', threshold: 0, severity: info}
                  - {id: signal_seen, metric: dashboards_test_signal, op: '>=', threshold: 0, severity: warning}
                """);
        Path routing = home.resolve("routing.yml");
        Files.writeString(routing, """
                hubwatch:
                  allow_loopback: true
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 0s
                  group_interval: 1s
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: http://127.0.0.1:%d/alerts
                """.formatted(receiver.getAddress().getPort()));

        try (PrometheusServer prometheus = PrometheusServer.start(promDir, config)) {
            try (HubwatchProcess up = HubwatchProcess.start(home, "up", "--rules", rules.toString(), "--notify",
                    routing.toString(), "--interval", "2s", "--db", DB.jdbcUrl(), "--remote-write",
                    prometheus.remoteWriteUrl().toString())) {
                String readyLine = up.awaitReady(Duration.ofSeconds(180));
                URI ingest = URI.create(HubwatchProcess.field(readyLine, "ingest"));
                String serverKey = Files.readString(home.resolve(".hubwatch/ingest-key")).strip();
                String beaconKey = Files.readString(home.resolve(".hubwatch/beacon-key")).strip();

                // mute the second rule's alerts before its metric first arrives (a silence marks the alerts that fire
                // while it is active), so that the muted-alerts panel has something to show
                HubwatchProcess.run(home, Duration.ofSeconds(60), "silence", "add", "--match", "alertname=signal_seen",
                        "--for", "1h", "--comment", "dashboards test");

                Map<String, String> empty = new LinkedHashMap<>(queries);
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                int round = 0;
                while (!empty.isEmpty() && System.nanoTime() < deadline) {
                    drive(ingest, serverKey, beaconKey, round++);
                    for (var it = empty.entrySet().iterator(); it.hasNext(); ) {
                        if (!prometheus.query(it.next().getValue()).isEmpty()) {
                            it.remove();
                        }
                    }
                    Thread.sleep(2_000);
                }
                assertThat(empty).as("panels without data; targets: %s; up's output: %s", prometheus.targets(),
                        up.tail(40)).isEmpty();
                assertThat(delivered.get()).isPositive();
                assertThat(up.stop(Duration.ofSeconds(90))).as("up stops").isNotEqualTo(-1);
            }
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * One round of traffic: API calls (two models, users and sessions, some errors), web vitals from two pages, each
     * stamped two minutes, one minute and zero minutes ago so that the statistics job's minute windows close while
     * the test waits; every batch through the gateway as a hub's services and pages send it.
     */
    private static void drive(URI ingest, String serverKey, String beaconKey, int round) throws Exception {
        long now = Instant.now().toEpochMilli();
        StringBuilder calls = new StringBuilder("[");
        StringBuilder vitals = new StringBuilder("[");
        for (long t : new long[] {now - 120_000, now - 60_000, now}) {
            for (int i = 0; i < 10; i++) {
                if (calls.length() > 1) {
                    calls.append(',');
                }
                calls.append("""
                        {"timestamp":%d,"endpoint":"/v1/chat/completions","method":"POST","status":%d,"latencyMs":%d,\
                        "userId":"u-%d","sessionId":"s-%d","model":"%s","promptTokens":120,"completionTokens":300,"cost":0.004}"""
                        .formatted(t + i, i == 0 ? 503 : 200, 100 + 20 * i, i % 4, i % 5, i % 2 == 0 ? "gpt-x" : "claude-y"));
            }
            for (String page : List.of("/", "/checkout")) {
                for (String[] v : new String[][] {{"LCP", "1800"}, {"INP", "120"}, {"CLS", "0.05"}, {"TTFB", "300"}}) {
                    if (vitals.length() > 1) {
                        vitals.append(',');
                    }
                    vitals.append("""
                            {"timestamp":%d,"page":"%s","name":"%s","value":%s,"sessionId":"b-%d"}"""
                            .formatted(t, page, v[0], v[1], round));
                }
            }
        }
        post(ingest.resolve("/v1/api-calls"), serverKey, calls.append(']').toString());
        if (round >= 2) {
            // a new series every third round: each is a new alert, so one that fires after the silence has reached
            // the alert job is muted, however long the silence took to arrive (no sleep, no race)
            post(ingest.resolve("/v1/metrics"), serverKey, "[{\"timestamp\":" + now + ",\"source\":\"dashboards-test\","
                    + "\"metric\":\"dashboards_test_signal\",\"value\":1,\"labels\":{\"try\":\"" + round / 3 + "\"}}]");
        }
        post(ingest.resolve("/v1/beacons"), beaconKey, vitals.append(']').toString());
    }

    private static void post(URI uri, String key, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", uri, r.body()).isEqualTo(202);
    }


}

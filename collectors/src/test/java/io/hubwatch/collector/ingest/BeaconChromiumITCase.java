package io.hubwatch.collector.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.WebVitalEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The beacon in a real headless Chromium (Debian's {@code chromium}): a test page on 127.0.0.1 includes
 * {@code /beacon.js} from the gateway and makes fetch and XHR calls; the beacon's events must reach Kafka with
 * plausible values. Skipped, saying why, only when {@code /usr/bin/chromium} is absent outside CI; with
 * {@code CI=true} it fails instead.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BeaconChromiumITCase {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String KEY = "beacon-key-0123456789abcdef";

    private static String page(String gateway) {
        return """
                <!doctype html>
                <html><head><title>beacon test</title>
                <script src="%s/beacon.js" data-key="%s" data-flush-ms="300" data-batch="50"></script>
                </head><body>
                <h1>Checkout</h1><p>Some text so that there is a contentful paint.</p>
                <script>
                  window.addEventListener('load', function () {
                    fetch('/api/slow?user=42').then(function (r) { return r.text(); }).then(function () {
                      var x = new XMLHttpRequest();
                      x.open('POST', '/api/items');
                      x.onloadend = function () {
                        fetch('/api/missing').then(function () {
                          setTimeout(function () { window.hubwatch.flush(); }, 100);
                        });
                      };
                      x.send('{"item": 1}');
                    });
                  });
                </script>
                </body></html>
                """.formatted(gateway, KEY);
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void theBeaconInChromiumReportsNavigationPaintAndEveryFetchAndXhrToKafka(EmbeddedKafka kafka) throws Exception {
        String missing = CHROMIUM + " is not installed (bin/services installs it; apt-get install chromium)";
        // in CI a missing browser is a broken machine, not a reason to skip: the beacon would go untested unnoticed
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(CHROMIUM).as(missing).isExecutable();
        }
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "skipped: " + missing + " - the beacon is not tested in a browser");
        IngestTopics topics = new IngestTopics(kafka);
        Path profile = Files.createTempDirectory("hubwatch-chromium-");
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Process chromium = null;
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "web")))) {
            site.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                switch (path) {
                    case "/page.html" -> answer(exchange, 200, "text/html; charset=utf-8", page(gateway.address().toString()));
                    case "/api/slow" -> {
                        try {
                            Thread.sleep(80);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        answer(exchange, 200, "application/json", "{\"ok\":true}");
                    }
                    case "/api/items" -> {
                        exchange.getRequestBody().readAllBytes();
                        answer(exchange, 201, "application/json", "{\"id\":1}");
                    }
                    default -> answer(exchange, 404, "text/plain", "no");
                }
            });
            site.start();
            String url = "http://127.0.0.1:" + site.getAddress().getPort() + "/page.html";
            chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", url)
                    .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();

            List<String> values = topics.readUntil(topics.webVitals, v -> names(v).containsAll(
                    List.of("TTFB", "DCL", "LOAD", "FCP", "FETCH", "XHR")) && count(v, "FETCH") >= 2, Duration.ofSeconds(90));
            List<WebVitalEvent> events = values.stream()
                    .map(v -> EventJson.read(v.getBytes(StandardCharsets.UTF_8), WebVitalEvent.class)).toList();

            assertThat(events).as("events from Chromium (log: %s)", profile.resolve("chromium.log"))
                    .extracting(WebVitalEvent::name).contains("TTFB", "DCL", "LOAD", "FCP", "FETCH", "XHR");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.page()).isEqualTo("/page.html");
                assertThat(e.problems()).isEmpty();
                assertThat(e.sessionId()).isNotBlank();
                assertThat(e.timestamp()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(120_000L));
            });
            double ttfb = value(events, "TTFB");
            double dcl = value(events, "DCL");
            double load = value(events, "LOAD");
            assertThat(ttfb).isGreaterThan(0).isLessThan(10_000);
            assertThat(dcl).isGreaterThanOrEqualTo(ttfb);
            assertThat(load).isGreaterThanOrEqualTo(dcl).isLessThan(30_000);
            assertThat(value(events, "FCP")).isGreaterThan(0).isLessThan(30_000);
            WebVitalEvent slow = events.stream().filter(e -> "/api/slow".equals(e.target())).findFirst().orElseThrow();
            assertThat(slow.name()).isEqualTo("FETCH");
            assertThat(slow.status()).isEqualTo(200);
            assertThat(slow.method()).isEqualTo("GET");
            assertThat(slow.value()).as("the server held it 80 ms").isGreaterThanOrEqualTo(75).isLessThan(30_000);
            assertThat(events).anySatisfy(e -> {
                assertThat(e.name()).isEqualTo("XHR");
                assertThat(e.target()).isEqualTo("/api/items");
                assertThat(e.method()).isEqualTo("POST");
                assertThat(e.status()).isEqualTo(201);
            });
            assertThat(events).anySatisfy(e -> {
                assertThat(e.name()).isEqualTo("FETCH");
                assertThat(e.target()).isEqualTo("/api/missing");
                assertThat(e.status()).isEqualTo(404);
            });
            assertThat(events).as("the beacon's own posts are not measured")
                    .noneSatisfy(e -> assertThat(e.target()).contains("/v1/beacons"));
        } finally {
            if (chromium != null) {
                chromium.descendants().forEach(ProcessHandle::destroyForcibly);
                chromium.destroyForcibly();
                chromium.waitFor();
            }
            site.stop(0);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> names(List<String> values) {
        return values.stream().map(v -> EventJson.read(v.getBytes(StandardCharsets.UTF_8), WebVitalEvent.class).name()).toList();
    }

    private static long count(List<String> values, String name) {
        return names(values).stream().filter(name::equals).count();
    }

    private static double value(List<WebVitalEvent> events, String name) {
        return events.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().value();
    }
}

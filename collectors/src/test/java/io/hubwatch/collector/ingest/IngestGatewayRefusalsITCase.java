package io.hubwatch.collector.ingest;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.WebVitalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway refuses so that its input cannot be turned against the pipeline: strings PostgreSQL or a reader
 * downstream cannot take, a public beacon key used for server data, samples from the future, and floods of bodies
 * that would be refused anyway. The gateway's clock is fixed by the test.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IngestGatewayRefusalsITCase {
    private static final String SERVER_KEY = "server-key-0123456789abcdef";
    private static final String BEACON_KEY = "beacon-key-0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static IngestGateway start(IngestConfig config) {
        return IngestGateway.start(config.withBeaconKeys(Map.of(BEACON_KEY, "shop pages")), CLOCK);
    }

    private static HttpResponse<String> post(IngestGateway gateway, String path, String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.address().resolve(path)).header("X-Hubwatch-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String metric(long timestamp, String labelsJson) {
        return "{\"timestamp\":" + timestamp + ",\"source\":\"billing\",\"metric\":\"queue_depth\",\"value\":3,"
                + "\"labels\":" + labelsJson + "}";
    }

    @Test
    void aNulLabelATenKilobyteLabelAndAnUnpairedSurrogateAreAnswered400NamingTheFieldAndNeverReachKafka(
            EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = start(topics.config(Map.of(SERVER_KEY, "billing")))) {
            String body = "[" + metric(NOW.toEpochMilli(), "{\"queue\":\"a\\u0000b\"}") + ","
                    + metric(NOW.toEpochMilli(), "{\"path\":\"" + "x".repeat(10 * 1024) + "\"}") + ","
                    + metric(NOW.toEpochMilli(), "{\"queue\":\"half\\ud800\"}") + "]";
            HttpResponse<String> refused = post(gateway, "/v1/metrics", SERVER_KEY, body);

            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("field 'labels.queue' contains a NUL character (U+0000) at character 1")
                    .contains("field 'labels.path' is 10240 characters long; the limit is 1024")
                    .contains("field 'labels.queue' contains an unpaired surrogate U+D800");

            HttpResponse<String> good = post(gateway, "/v1/metrics", SERVER_KEY, metric(NOW.toEpochMilli(), "{\"queue\":\"ok\"}"));
            assertThat(good.statusCode()).isEqualTo(202);
            List<String> letters = topics.readUntil(topics.deadLetter, v -> v.size() >= 3, Duration.ofSeconds(20));
            assertThat(letters).hasSize(3).allSatisfy(l -> assertThat(
                    EventJson.read(l.getBytes(StandardCharsets.UTF_8), DeadLetter.class).reason()).contains("field 'labels."));
            List<String> published = topics.readUntil(topics.metrics, v -> !v.isEmpty(), Duration.ofSeconds(20));
            assertThat(published).singleElement().satisfies(v -> assertThat(
                    EventJson.parseMetric(v.getBytes(StandardCharsets.UTF_8)).labels()).containsEntry("queue", "ok"));
        }
    }

    @Test
    void aBeaconKeyPostsBeaconsOnlyWhileAServerKeyPostsEverything(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = start(topics.config(Map.of(SERVER_KEY, "billing")))) {
            String sample = metric(NOW.toEpochMilli(), "{}");
            String vital = EventJson.toJson(List.of(new WebVitalEvent(NOW.toEpochMilli(), "/cart", "LCP", 1200, "b-1",
                    null, null, null)));

            HttpResponse<String> beaconMetrics = post(gateway, "/v1/metrics", BEACON_KEY, sample);
            HttpResponse<String> beaconCalls = post(gateway, "/v1/api-calls", BEACON_KEY, "[]");
            HttpResponse<String> beaconBeacons = post(gateway, "/v1/beacons", BEACON_KEY, vital);
            HttpResponse<String> serverMetrics = post(gateway, "/v1/metrics", SERVER_KEY, sample);
            HttpResponse<String> serverBeacons = post(gateway, "/v1/beacons", SERVER_KEY, vital);

            assertThat(beaconMetrics.statusCode()).isEqualTo(403);
            assertThat(beaconMetrics.body()).contains("this is a beacon key (client 'shop pages'): it may post /v1/beacons only; "
                    + "/v1/metrics needs a server key");
            assertThat(beaconCalls.statusCode()).isEqualTo(403);
            assertThat(beaconBeacons.statusCode()).isEqualTo(202);
            assertThat(serverMetrics.statusCode()).isEqualTo(202);
            assertThat(serverBeacons.statusCode()).isEqualTo(202);
            assertThat(gateway.stats().forbidden()).isEqualTo(2);
            assertThat(topics.readUntil(topics.metrics, v -> !v.isEmpty(), Duration.ofSeconds(20))).hasSize(1);
        }
    }

    @Test
    void aSampleFiftyMinutesAheadOfTheGatewaysClockIsRefusedWithTheReasonWhileSmallSkewPasses(EmbeddedKafka kafka)
            throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = start(topics.config(Map.of(SERVER_KEY, "billing")))) {
            long ahead50m = NOW.plus(Duration.ofMinutes(50)).toEpochMilli();
            long ahead4m = NOW.plus(Duration.ofMinutes(4)).toEpochMilli();
            HttpResponse<String> future = post(gateway, "/v1/metrics", SERVER_KEY, metric(ahead50m, "{}"));
            HttpResponse<String> slightlyAhead = post(gateway, "/v1/metrics", SERVER_KEY, metric(ahead4m, "{}"));

            assertThat(future.statusCode()).isEqualTo(400);
            assertThat(future.body()).contains("field 'timestamp' 2026-12-01T12:50:00Z is 3000 s ahead of the gateway's "
                    + "clock (2026-12-01T12:00:00Z); the limit is 300 s");
            assertThat(slightlyAhead.statusCode()).isEqualTo(202);
        }
        try (IngestGateway strict = start(topics.config(Map.of(SERVER_KEY, "billing"))
                .withMaxFutureSkew(Duration.ofMinutes(1)))) {
            HttpResponse<String> fourMinutes = post(strict, "/v1/metrics", SERVER_KEY,
                    metric(NOW.plus(Duration.ofMinutes(4)).toEpochMilli(), "{}"));
            assertThat(fourMinutes.statusCode()).isEqualTo(400);
            assertThat(fourMinutes.body()).contains("the limit is 60 s");
        }
    }

    @Test
    void refusedBodiesCostRateLimitTokensSoAFloodOfThemEndsIn429(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        // the clock stands still: the bucket of 10 tokens never refills
        IngestConfig config = topics.config(Map.of(SERVER_KEY, "billing")).withLimits(1 << 20, 10).withRateLimit(1, 10);
        try (IngestGateway gateway = start(config)) {
            String start = "[{\"timestamp\": ";
            String garbage = start + "9".repeat(3 * 1024 - start.length()); // 3 KiB of malformed JSON: 3 tokens
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(post(gateway, "/v1/metrics", SERVER_KEY, garbage).statusCode());
            }
            HttpResponse<String> good = post(gateway, "/v1/metrics", SERVER_KEY, metric(NOW.toEpochMilli(), "{}"));

            assertThat(statuses).containsExactly(400, 400, 400, 400, 429);
            assertThat(good.statusCode()).isEqualTo(429);
            assertThat(good.headers().firstValue("Retry-After")).isPresent();
        }
    }
}

package io.hubwatch.collector.ingest;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway on a real Kafka broker, over real HTTP: what it takes, what it refuses and how it says so. */
@ExtendWith(KafkaBrokerExtension.class)
class IngestGatewayITCase {
    private static final String KEY = "test-key-0123456789abcdef";
    /** HTTP/1.1 as the gateway's clients speak it: the default would try an h2c upgrade on every request. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static String call(int i, int status) {
        return EventJson.toJson(new ApiCallEvent(System.currentTimeMillis(), "/v1/chat", "POST", status, 100 + i,
                "u-" + i, "s-" + i, "gpt-4o", 10, 20, 0.001));
    }

    private static String batch(int n) {
        return IntStream.range(0, n).mapToObj(i -> call(i, 200)).collect(Collectors.joining(",", "[", "]"));
    }

    private static HttpResponse<String> post(IngestGateway gateway, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.address().resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-Hubwatch-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aGoodBatchIsAnswered202AndEveryEventReachesTheApiCallsTopic(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")))) {
            HttpResponse<String> response = post(gateway, "/v1/api-calls", KEY, batch(3));

            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.body()).contains("\"accepted\":3").contains("\"rejected\":[]");
            List<String> values = topics.readUntil(topics.apiCalls, v -> v.size() >= 3, Duration.ofSeconds(20));
            assertThat(values).hasSize(3).allSatisfy(v ->
                    assertThat(ApiCallEvent.fromJson(EventJson.mapper().readTree(v)).model()).isEqualTo("gpt-4o"));
        }
    }

    @Test
    void requestsWithoutAKeyOrWithAWrongKeyAreAnswered401(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")))) {
            HttpResponse<String> none = post(gateway, "/v1/api-calls", null, batch(1));
            HttpResponse<String> wrong = post(gateway, "/v1/api-calls", "not-the-key-0123456789", batch(1));

            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("an ingest key is required");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("unknown ingest key");
            assertThat(gateway.stats().unauthorized()).isEqualTo(2);
        }
    }

    @Test
    void aBodyOverTheSizeLimitIsAnswered413(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")).withLimits(4096, 1000))) {
            HttpResponse<String> response = post(gateway, "/v1/api-calls", KEY, batch(100));

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).contains("limit is 4096");
        }
    }

    @Test
    void aBodyFarOverTheLimitStillGetsItsAnswerAndTheConnectionStaysUsable(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")).withLimits(4096, 1000))) {
            // far more than the socket buffers hold, from a default JDK client (which offers an h2c upgrade): a
            // gateway that closed before reading the body had the connection reset under the client
            HttpClient defaultClient = HttpClient.newHttpClient();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = defaultClient.send(HttpRequest.newBuilder(
                                gateway.address().resolve("/v1/api-calls")).header("X-Hubwatch-Key", KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(batch(3000))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(413);
            }
            assertThat(post(gateway, "/v1/api-calls", KEY, batch(3)).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void aBatchWithMoreEventsThanTheLimitIsAnswered413(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")).withLimits(1 << 20, 50))) {
            HttpResponse<String> response = post(gateway, "/v1/api-calls", KEY, batch(51));

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).contains("the batch has 51 events; the limit is 50");
        }
    }

    @Test
    void aMalformedEventInAGoodBatchIsNamedAndDeadLetteredWhileTheOthersAreKept(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")))) {
            String body = "[" + call(0, 200) + "," + call(1, 200) + "," + call(2, 999) + "," + call(3, 200) + "]";
            HttpResponse<String> response = post(gateway, "/v1/api-calls", KEY, body);

            assertThat(response.statusCode()).isEqualTo(202);
            Map<?, ?> answer = EventJson.read(response.body().getBytes(StandardCharsets.UTF_8), Map.class);
            assertThat(answer.get("accepted")).isEqualTo(3);
            assertThat((List<?>) answer.get("rejected")).singleElement().satisfies(r -> {
                assertThat(((Map<?, ?>) r).get("index")).isEqualTo(2);
                assertThat((String) ((Map<?, ?>) r).get("reason")).contains("field 'status'").contains("999");
            });
            assertThat(topics.readUntil(topics.apiCalls, v -> v.size() >= 3, Duration.ofSeconds(20))).hasSize(3);
            List<String> letters = topics.readUntil(topics.deadLetter, v -> !v.isEmpty(), Duration.ofSeconds(20));
            DeadLetter letter = EventJson.read(letters.get(0).getBytes(StandardCharsets.UTF_8), DeadLetter.class);
            assertThat(letter.reason()).startsWith("event 2: field 'status'");
            assertThat(letter.sourceTopic()).isEqualTo(topics.apiCalls);
            assertThat(letter.payload()).contains("999");
        }
    }

    @Test
    void aBatchOfOnlyBadEventsIsAnswered400NamingEachEventAndField(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")))) {
            HttpResponse<String> badEvent = post(gateway, "/v1/api-calls", KEY, "[{\"timestamp\": 5, \"endpoint\": \"/a\"}]");
            HttpResponse<String> notJson = post(gateway, "/v1/api-calls", KEY, "[{\"timestamp\": ");

            assertThat(badEvent.statusCode()).isEqualTo(400);
            assertThat(badEvent.body()).contains("\"index\":0").contains("missing required field 'method'");
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(notJson.body()).startsWith("the body is not valid JSON");
        }
    }

    @Test
    void aFloodAboveTheRateLimitIsAnswered429WithRetryAfter(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        IngestConfig config = topics.config(Map.of(KEY, "shop")).withLimits(1 << 20, 50).withRateLimit(100, 100);
        try (IngestGateway gateway = IngestGateway.start(config)) {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> limited = null;
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = post(gateway, "/v1/api-calls", KEY, batch(50));
                statuses.add(response.statusCode());
                if (response.statusCode() == 429) {
                    limited = response;
                }
            }

            assertThat(statuses.subList(0, 2)).containsOnly(202);
            assertThat(statuses).contains(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                    assertThat(Integer.parseInt(v)).isBetween(1, 2));
            assertThat(limited.body()).contains("rate limit of 100 events/s");
        }
    }

    @Test
    void beaconsArriveAsTextPlainWithCorsForAnAllowedOriginAndAreRefusedForOthers(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        IngestConfig config = topics.config(Map.of(KEY, "shop")).withCorsOrigins(List.of("https://shop.example.com"));
        try (IngestGateway gateway = IngestGateway.start(config)) {
            String body = EventJson.toJson(List.of(new WebVitalEvent(System.currentTimeMillis(), "/cart", "LCP", 1234.5,
                    "b-1", null, null, null)));
            HttpRequest.Builder beacon = HttpRequest.newBuilder(gateway.address().resolve("/v1/beacons?key=" + KEY))
                    .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> allowed = HTTP.send(beacon.copy().header("Origin", "https://shop.example.com").build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> other = HTTP.send(beacon.copy().header("Origin", "https://evil.example.com").build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(allowed.statusCode()).isEqualTo(202);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.com");
            assertThat(other.statusCode()).isEqualTo(403);
            List<String> values = topics.readUntil(topics.webVitals, v -> !v.isEmpty(), Duration.ofSeconds(20));
            assertThat(values).singleElement().satisfies(v -> assertThat(v).contains("\"name\":\"LCP\""));
        }
    }

    @Test
    void pushedMetricsAreKeyedBySeriesOnTheMetricsTopic(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")))) {
            MetricEvent event = new MetricEvent(System.currentTimeMillis(), "billing", "queue_depth", 12, Map.of("queue", "a"));
            HttpResponse<String> response = post(gateway, "/v1/metrics", KEY, EventJson.toJson(List.of(event)));

            assertThat(response.statusCode()).isEqualTo(202);
            List<String> values = topics.readUntil(topics.metrics, v -> !v.isEmpty(), Duration.ofSeconds(20));
            assertThat(EventJson.parseMetric(values.get(0).getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
        }
    }

    @Test
    void theBeaconScriptIsServedGzippedFromTheGateway(EmbeddedKafka kafka) throws Exception {
        IngestTopics topics = new IngestTopics(kafka);
        try (IngestGateway gateway = IngestGateway.start(topics.config(Map.of(KEY, "shop")))) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(gateway.address().resolve("/beacon.js"))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/javascript"));
            assertThat(response.body().length).isLessThan(3 * 1024);
        }
    }
}

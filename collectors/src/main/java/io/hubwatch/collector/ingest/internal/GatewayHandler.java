package io.hubwatch.collector.ingest.internal;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestStats;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.telemetry.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers every gateway request on the event loop: authentication, CORS, size limits, rate limit, validation, then
 * hands the valid events to the {@link IngestPublisher} and answers 202 once Kafka has them. Nothing here blocks.
 */
public final class GatewayHandler implements Handler<HttpServerRequest> {
    private static final String JSON = "application/json";
    private static final int MAX_DEAD_LETTER_CHARS = 10_000;

    private final IngestConfig config;
    private final IngestPublisher publisher;
    private final BeaconScript beacon;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder invalid = new LongAdder();
    private final LongAdder unauthorized = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();
    private final LongAdder failedRequests = new LongAdder();
    private volatile long lastFailureNanos = Long.MIN_VALUE;
    private final PrometheusMeterRegistry metrics;

    public GatewayHandler(IngestConfig config, IngestPublisher publisher, BeaconScript beacon) {
        this.config = config;
        this.publisher = publisher;
        this.beacon = beacon;
        this.metrics = ProcessMetrics.registry();
        GatewayMetrics.bind(metrics, this);
    }

    @Override
    public void handle(HttpServerRequest request) {
        String path = request.path();
        EventKind kind = switch (path) {
            case "/v1/api-calls" -> EventKind.API_CALLS;
            case "/v1/beacons" -> EventKind.BEACONS;
            case "/v1/metrics" -> EventKind.METRICS;
            default -> null;
        };
        if (kind == null) {
            if (path.equals("/health") && isRead(request)) {
                request.response().putHeader("Content-Type", JSON).end(healthJson());
            } else if (path.equals("/metrics") && isRead(request)) {
                request.response().putHeader("Content-Type", ProcessMetrics.CONTENT_TYPE).end(metrics.scrape());
            } else if (path.equals("/beacon.js") && isRead(request)) {
                beacon.serve(request);
            } else {
                text(request.response(), 404, "not found: " + path
                        + " (POST /v1/api-calls, /v1/beacons, /v1/metrics; GET /beacon.js, /health, /metrics)");
            }
            return;
        }
        if (kind == EventKind.BEACONS && !cors(request)) {
            return;
        }
        if (request.method() == HttpMethod.OPTIONS) {
            request.response().setStatusCode(204).end();
            return;
        }
        if (request.method() != HttpMethod.POST) {
            request.response().putHeader("Allow", "POST");
            text(request.response(), 405, "use POST");
            return;
        }
        requests.increment();
        String client = authenticate(request);
        if (client == null) {
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && parseLong(length) > config.maxBodyBytes()) {
            refuseTooLarge(request, "the body has " + length + " bytes; the limit is " + config.maxBodyBytes());
            return;
        }
        if (!bucket(client).hasAny(System.nanoTime())) {
            // an empty bucket refuses without parsing: the body is only drained, so a flood costs us no parsing and
            // the keep-alive connection stays usable
            rateLimited.increment();
            request.handler(chunk -> { });
            request.endHandler(v -> {
                request.response().putHeader("Retry-After", "1");
                text(request.response(), 429, "rate limit of " + (long) config.eventsPerSecond()
                        + " events/s for this key exceeded; retry after 1 s");
            });
            return;
        }
        readBody(request, body -> accept(request, kind, client, body));
    }

    private TokenBucket bucket(String key) {
        return buckets.computeIfAbsent(key, k -> new TokenBucket(config.eventsPerSecond(), config.burstEvents(), System.nanoTime()));
    }

    private static boolean isRead(HttpServerRequest request) {
        return request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    }

    /** CORS for browser beacons: preflight answered, other origins refused. Returns false when it answered. */
    private boolean cors(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true; // not from a browser page
        }
        boolean allowed = config.corsOrigins().contains("*") || config.corsOrigins().contains(origin);
        if (!allowed) {
            text(request.response(), 403, "origin " + origin + " may not send beacons (allowed: " + config.corsOrigins() + ")");
            return false;
        }
        HttpServerResponse response = request.response();
        response.putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
        if (request.method() == HttpMethod.OPTIONS) {
            response.putHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
                    .putHeader("Access-Control-Allow-Headers", "Content-Type, X-Hubwatch-Key")
                    .putHeader("Access-Control-Max-Age", "86400");
        }
        return true;
    }

    /** The client name for the request's key, or null after answering 401. */
    private String authenticate(HttpServerRequest request) {
        String key = request.getHeader("X-Hubwatch-Key");
        String authorization = request.getHeader("Authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        if (key == null) {
            key = request.getParam("key"); // navigator.sendBeacon cannot set headers
        }
        if (key == null || key.isEmpty()) {
            unauthorized.increment();
            request.response().putHeader("WWW-Authenticate", "Bearer");
            text(request.response(), 401, "an ingest key is required: header X-Hubwatch-Key, Authorization: Bearer, or ?key=");
            return null;
        }
        String client = config.keys().get(key);
        if (client == null) {
            unauthorized.increment();
            request.response().putHeader("WWW-Authenticate", "Bearer");
            text(request.response(), 401, "unknown ingest key");
            return null;
        }
        return key;
    }

    private void readBody(HttpServerRequest request, Handler<byte[]> then) {
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > config.maxBodyBytes()) {
                refused[0] = true;
                refuseTooLarge(request, "the body is larger than the limit of " + config.maxBodyBytes() + " bytes");
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!refused[0]) {
                then.handle(body.getBytes());
            }
        });
        request.exceptionHandler(e -> refused[0] = true);
    }

    private void refuseTooLarge(HttpServerRequest request, String message) {
        tooLarge.increment();
        HttpServerResponse response = request.response();
        response.putHeader("Connection", "close");
        text(response, 413, message).onComplete(v -> request.connection().close());
    }

    private void accept(HttpServerRequest request, EventKind kind, String key, byte[] body) {
        BatchParser.Result batch = BatchParser.parse(kind, body, config.maxBatchEvents());
        if (batch.problem() != null) {
            if (batch.tooLarge()) {
                tooLarge.increment();
                text(request.response(), 413, batch.problem());
            } else {
                invalid.increment();
                deadLetters(kind, List.of(new BatchParser.Refusal(-1, batch.problem(), new String(body, StandardCharsets.UTF_8))));
                text(request.response(), 400, batch.problem());
            }
            return;
        }
        long waitMs = bucket(key).take(batch.total(), System.nanoTime());
        if (waitMs > 0) {
            rateLimited.increment();
            request.response().putHeader("Retry-After", Long.toString((waitMs + 999) / 1000));
            text(request.response(), 429, "rate limit of " + (long) config.eventsPerSecond() + " events/s for this key exceeded; "
                    + "retry after " + waitMs + " ms");
            return;
        }
        if (!batch.refused().isEmpty()) {
            invalid.add(batch.refused().size());
            deadLetters(kind, batch.refused());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", batch.valid().size());
        answer.put("rejected", batch.refused().stream().map(r -> Map.of("index", r.index(), "reason", r.reason())).toList());
        if (batch.valid().isEmpty()) {
            json(request.response(), 400, answer);
            return;
        }
        String topic = topic(kind);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batch.valid().size());
        for (EventKind.Validated v : batch.valid()) {
            records.add(new ProducerRecord<>(topic, v.key(), v.value()));
        }
        Context context = Vertx.currentContext();
        publisher.publish(records).whenComplete((ok, error) -> context.runOnContext(x -> {
            if (error == null) {
                accepted.add(records.size());
                json(request.response(), 202, answer);
            } else {
                failedRequests.increment();
                lastFailureNanos = System.nanoTime();
                request.response().putHeader("Retry-After", "1");
                text(request.response(), 503, "Kafka did not take the events, retry: " + error.getMessage());
            }
        }));
    }

    private String topic(EventKind kind) {
        return switch (kind) {
            case API_CALLS -> config.apiCallsTopic();
            case BEACONS -> config.webVitalsTopic();
            case METRICS -> config.metricsTopic();
        };
    }

    private void deadLetters(EventKind kind, List<BatchParser.Refusal> refusals) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(refusals.size());
        for (BatchParser.Refusal r : refusals) {
            String json = r.json().length() > MAX_DEAD_LETTER_CHARS
                    ? r.json().substring(0, MAX_DEAD_LETTER_CHARS) + "…(truncated)" : r.json();
            String reason = (r.index() >= 0 ? "event " + r.index() + ": " : "") + r.reason();
            DeadLetter letter = new DeadLetter(topic(kind), "ingest-gateway", reason, json, Instant.now());
            records.add(new ProducerRecord<>(config.deadLetterTopic(), "ingest-gateway".getBytes(StandardCharsets.UTF_8),
                    EventJson.toBytes(letter)));
        }
        publisher.publishQuietly(records);
    }

    private static io.vertx.core.Future<Void> text(HttpServerResponse response, int status, String message) {
        return response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
    }

    private static void json(HttpServerResponse response, int status, Object body) {
        response.setStatusCode(status).putHeader("Content-Type", JSON).end(EventJson.toJson(body));
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public IngestStats stats() {
        return new IngestStats(requests.sum(), accepted.sum(), publisher.published(), invalid.sum(), publisher.failed(),
                unauthorized.sum(), rateLimited.sum(), tooLarge.sum());
    }

    private String healthJson() {
        IngestStats s = stats();
        boolean recentFailure = System.nanoTime() - lastFailureNanos < 30_000_000_000L && lastFailureNanos != Long.MIN_VALUE;
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", recentFailure ? "DEGRADED" : "UP");
        health.put("kafka", Map.of("bootstrapServers", config.bootstrapServers(),
                "lastError", publisher.lastError() == null ? "" : publisher.lastError()));
        health.put("stats", s);
        return EventJson.toJson(health);
    }
}

package io.hubwatch.collector.ingest.internal;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestStats;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers every gateway request on the event loop: authentication, CORS, size limits, rate limit, validation, then
 * hands the valid events to the {@link IngestPublisher} and answers 202 once Kafka has them. Nothing here blocks.
 */
public final class GatewayHandler implements Handler<HttpServerRequest> {
    private static final String JSON = "application/json";
    private static final int MAX_DEAD_LETTER_CHARS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    /** A refused request pays one token per KiB it sent, at least one, or one per event when that is more. */
    private static final int BYTES_PER_TOKEN = 1024;

    private final IngestConfig config;
    private final IngestPublisher publisher;
    private final BeaconScript beacon;
    private final Clock clock;
    private final Set<String> serverKeysSeenInBrowsers = ConcurrentHashMap.newKeySet();
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder invalid = new LongAdder();
    private final LongAdder unauthorized = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();
    private final LongAdder forbidden = new LongAdder();
    private final LongAdder failedRequests = new LongAdder();
    private volatile long lastFailureNanos = Long.MIN_VALUE;

    /** @param clock the gateway's clock: event times are checked against it, and rate-limit buckets refill by it */
    public GatewayHandler(IngestConfig config, IngestPublisher publisher, BeaconScript beacon, Clock clock) {
        this.config = config;
        this.publisher = publisher;
        this.beacon = beacon;
        this.clock = clock;
    }

    private long nanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
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
            } else if (path.equals("/beacon.js") && isRead(request)) {
                beacon.serve(request);
            } else {
                text(request.response(), 404, "not found: " + path
                        + " (POST /v1/api-calls, /v1/beacons, /v1/metrics; GET /beacon.js, /health)");
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
        if (client == null || !inScope(request, kind, client)) {
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && parseLong(length) > config.maxBodyBytes()) {
            bucket(client).charge(1, nanos());
            refuseTooLarge(request, "the body has " + length + " bytes; the limit is " + config.maxBodyBytes());
            return;
        }
        if (!bucket(client).hasAny(nanos())) {
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
        readBody(request, client, body -> accept(request, kind, client, body));
    }

    private TokenBucket bucket(String key) {
        return buckets.computeIfAbsent(key, k -> new TokenBucket(config.eventsPerSecond(), config.burstEvents(), nanos()));
    }

    /**
     * Key scopes: a beacon key (public: it is in the page's source) posts beacons only. A server key may post beacons
     * too, so that pages that still carry one keep working; that it was seen from a browser page is logged once.
     */
    private boolean inScope(HttpServerRequest request, EventKind kind, String key) {
        if (config.beaconKeys().containsKey(key) && kind != EventKind.BEACONS) {
            forbidden.increment();
            text(request.response(), 403, "this is a beacon key (client '" + config.beaconKeys().get(key)
                    + "'): it may post /v1/beacons only; " + request.path() + " needs a server key");
            return false;
        }
        if (kind == EventKind.BEACONS && request.getHeader("Origin") != null && config.keys().containsKey(key)
                && serverKeysSeenInBrowsers.add(key)) {
            LOG.warn("a browser page at {} posts beacons with the server key of client '{}': anyone who reads the page "
                    + "can post metrics and API calls with it; give pages a beacon key", request.getHeader("Origin"),
                    config.keys().get(key));
        }
        return true;
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
        String client = config.keys().containsKey(key) ? config.keys().get(key) : config.beaconKeys().get(key);
        if (client == null) {
            unauthorized.increment();
            request.response().putHeader("WWW-Authenticate", "Bearer");
            text(request.response(), 401, "unknown ingest key");
            return null;
        }
        return key;
    }

    private void readBody(HttpServerRequest request, String key, Handler<byte[]> then) {
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > config.maxBodyBytes()) {
                refused[0] = true;
                bucket(key).charge(config.maxBodyBytes() / BYTES_PER_TOKEN, nanos());
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
        // answer once the rest of the body is read and discarded: a connection closed with unread bytes is reset by
        // the kernel, and the client then sees a connection error instead of the 413 (flaky under load). Past a bound
        // the sender is not worth the bandwidth and the connection is closed.
        long drainLimit = Math.max(1 << 20, 2L * config.maxBodyBytes());
        long[] drained = {0};
        request.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > drainLimit) {
                request.connection().close();
            }
        });
        request.endHandler(v -> text(request.response(), 413, message));
    }

    private void accept(HttpServerRequest request, EventKind kind, String key, byte[] body) {
        long nowNanos = nanos();
        BatchParser.Result batch = BatchParser.parse(kind, body, config.maxBatchEvents(), clock.millis(),
                config.maxFutureSkew().toMillis());
        long cost = Math.max(batch.total(), Math.max(1, (body.length + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN));
        if (batch.problem() != null || batch.valid().isEmpty()) {
            bucket(key).charge(cost, nowNanos);
        }
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
        long waitMs = batch.valid().isEmpty() ? 0 : bucket(key).take(cost, nowNanos);
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
            DeadLetter letter = new DeadLetter(topic(kind), "ingest-gateway", reason, json, clock.instant());
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
                unauthorized.sum(), rateLimited.sum(), tooLarge.sum(), forbidden.sum());
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

package io.hubwatch.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One call to the hub's API, as seen by the service that answered it: what the ingest gateway publishes to
 * {@link Topics#API_CALLS} (key: the endpoint) and what the business statistics job aggregates.
 *
 * <pre>{@code
 * {"timestamp": 1764124800000, "endpoint": "/v1/chat/completions", "method": "POST", "status": 200,
 *  "latencyMs": 812.5, "userId": "u-42", "sessionId": "s-9", "model": "gpt-4o",
 *  "promptTokens": 120, "completionTokens": 380, "cost": 0.0041}
 * }</pre>
 *
 * @param timestamp        when the call finished, epoch milliseconds (event time)
 * @param endpoint         the route template, e.g. {@code /v1/chat/completions} (not the raw path with ids)
 * @param method           HTTP method
 * @param status           HTTP status answered, 100..599; 5xx counts as an error
 * @param latencyMs        time to answer, milliseconds, &gt;= 0
 * @param userId           the caller, or null
 * @param sessionId        the caller's session, or null
 * @param model            the AI model used, or null for calls that used none
 * @param promptTokens     input tokens, &gt;= 0
 * @param completionTokens output tokens, &gt;= 0
 * @param cost             what the call cost (the hub's currency), &gt;= 0
 */
public record ApiCallEvent(long timestamp, String endpoint, String method, int status, double latencyMs,
                           String userId, String sessionId, String model, long promptTokens, long completionTokens,
                           double cost) {

    /** The longest latency taken, one day: longer calls are clock errors, and they would blow up the latency sketch. */
    public static final double MAX_LATENCY_MS = 86_400_000;
    /** Tokens per call: far above any model's context, low enough that a minute's sums never overflow a long. */
    public static final long MAX_TOKENS = 1_000_000_000L;
    /** Cost per call, likewise bounded so that sums stay finite. */
    public static final double MAX_COST = 1_000_000_000;

    /** The fields a producer must send. */
    public static final List<String> REQUIRED = List.of("timestamp", "endpoint", "method", "status", "latencyMs");

    /** Whether this call counts as an error for {@code error_rate}: the server failed (5xx). */
    public boolean isError() {
        return status >= 500;
    }

    /**
     * Reads one event from a parsed JSON object.
     *
     * @throws InvalidEventException naming the field: missing, of the wrong type, or out of range
     */
    public static ApiCallEvent fromJson(JsonNode node) throws InvalidEventException {
        ApiCallEvent event = WireFields.read(node, REQUIRED, ApiCallEvent.class);
        List<String> problems = event.problems();
        if (!problems.isEmpty()) {
            throw new InvalidEventException(String.join("; ", problems));
        }
        return event;
    }

    /** What is wrong with this event, each problem naming its field; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (timestamp <= 0 || timestamp > WireFields.MAX_TIMESTAMP_MS) {
            problems.add("field 'timestamp' must be a positive epoch-millisecond time before the year 10000, was " + timestamp);
        }
        if (endpoint == null || endpoint.isBlank()) {
            problems.add("field 'endpoint' is missing");
        } else {
            WireText.check("endpoint", endpoint, WireText.MAX_NAME_CHARS, problems);
        }
        if (method == null || !method.matches("[A-Z]{3,7}")) {
            problems.add("field 'method' must be an HTTP method such as GET or POST, was " + quote(method));
        }
        if (status < 100 || status > 599) {
            problems.add("field 'status' must be an HTTP status 100..599, was " + status);
        }
        if (!Double.isFinite(latencyMs) || latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
            problems.add("field 'latencyMs' must be a number from 0 to " + (long) MAX_LATENCY_MS + " (a day), was " + latencyMs);
        }
        if (promptTokens < 0 || promptTokens > MAX_TOKENS) {
            problems.add("field 'promptTokens' must be 0.." + MAX_TOKENS + ", was " + promptTokens);
        }
        if (completionTokens < 0 || completionTokens > MAX_TOKENS) {
            problems.add("field 'completionTokens' must be 0.." + MAX_TOKENS + ", was " + completionTokens);
        }
        if (!Double.isFinite(cost) || cost < 0 || cost > MAX_COST) {
            problems.add("field 'cost' must be a number from 0 to " + (long) MAX_COST + ", was " + cost);
        }
        WireText.check("userId", userId, WireText.MAX_NAME_CHARS, problems);
        WireText.check("sessionId", sessionId, WireText.MAX_NAME_CHARS, problems);
        WireText.check("model", model, WireText.MAX_NAME_CHARS, problems);
        return problems;
    }

    static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}

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
        if (timestamp <= 0) {
            problems.add("field 'timestamp' must be a positive epoch-millisecond time, was " + timestamp);
        }
        if (endpoint == null || endpoint.isBlank()) {
            problems.add("field 'endpoint' is missing");
        } else if (endpoint.length() > 256) {
            problems.add("field 'endpoint' is longer than 256 characters");
        }
        if (method == null || !method.matches("[A-Z]{3,7}")) {
            problems.add("field 'method' must be an HTTP method such as GET or POST, was " + quote(method));
        }
        if (status < 100 || status > 599) {
            problems.add("field 'status' must be an HTTP status 100..599, was " + status);
        }
        if (!Double.isFinite(latencyMs) || latencyMs < 0) {
            problems.add("field 'latencyMs' must be a finite number >= 0, was " + latencyMs);
        }
        if (promptTokens < 0) {
            problems.add("field 'promptTokens' must be >= 0, was " + promptTokens);
        }
        if (completionTokens < 0) {
            problems.add("field 'completionTokens' must be >= 0, was " + completionTokens);
        }
        if (!Double.isFinite(cost) || cost < 0) {
            problems.add("field 'cost' must be a finite number >= 0, was " + cost);
        }
        return problems;
    }

    static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}

package io.hubwatch.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One browser performance measurement sent by the beacon script ({@code /beacon.js}) through the ingest gateway to
 * {@link Topics#WEB_VITALS} (key: the page).
 *
 * <pre>{@code
 * {"timestamp": 1764124800000, "page": "/checkout", "name": "LCP", "value": 1840.0, "sessionId": "b-1f3a"}
 * {"timestamp": 1764124800000, "page": "/checkout", "name": "FETCH", "value": 92.0, "sessionId": "b-1f3a",
 *  "target": "/api/cart", "method": "GET", "status": 200}
 * }</pre>
 *
 * @param timestamp when it was measured, epoch milliseconds
 * @param page      the page's path (no query string)
 * @param name      one of {@link #NAMES}: navigation timing (TTFB, DCL, LOAD), paint and layout (FCP, LCP, CLS),
 *                  interaction latency (INP), long tasks (LONGTASK) and the page's own calls (FETCH, XHR)
 * @param value     milliseconds, except CLS (a unitless layout-shift score); finite and &gt;= 0
 * @param sessionId the page view's random id, or null
 * @param target    FETCH/XHR: the URL called (no query string); otherwise null
 * @param method    FETCH/XHR: the HTTP method; otherwise null
 * @param status    FETCH/XHR: the HTTP status, 0 for a network failure; otherwise null
 */
public record WebVitalEvent(long timestamp, String page, String name, double value, String sessionId,
                            String target, String method, Integer status) {

    public static final Set<String> NAMES = Set.of("TTFB", "DCL", "LOAD", "FCP", "LCP", "CLS", "INP", "LONGTASK",
            "FETCH", "XHR");
    public static final List<String> REQUIRED = List.of("timestamp", "page", "name", "value");

    /**
     * Reads one event from a parsed JSON object.
     *
     * @throws InvalidEventException naming the field
     */
    public static WebVitalEvent fromJson(JsonNode node) throws InvalidEventException {
        WebVitalEvent event = WireFields.read(node, REQUIRED, WebVitalEvent.class);
        List<String> problems = event.problems();
        if (!problems.isEmpty()) {
            throw new InvalidEventException(String.join("; ", problems));
        }
        return event;
    }

    /** Whether this is a call the page made (FETCH or XHR). */
    public boolean isCall() {
        return "FETCH".equals(name) || "XHR".equals(name);
    }

    /** What is wrong with this event, each problem naming its field; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (timestamp <= 0 || timestamp > WireFields.MAX_TIMESTAMP_MS) {
            problems.add("field 'timestamp' must be a positive epoch-millisecond time before the year 10000, was " + timestamp);
        }
        if (page == null || page.isBlank()) {
            problems.add("field 'page' is missing");
        } else {
            WireText.check("page", page, 512, problems);
        }
        if (name == null || !NAMES.contains(name)) {
            problems.add("field 'name' must be one of " + new java.util.TreeSet<>(NAMES) + ", was " + ApiCallEvent.quote(name));
        }
        if (!Double.isFinite(value) || value < 0 || value > ApiCallEvent.MAX_LATENCY_MS) {
            problems.add("field 'value' must be a number from 0 to " + (long) ApiCallEvent.MAX_LATENCY_MS + ", was " + value);
        }
        if (status != null && (status < 0 || status > 599)) {
            problems.add("field 'status' must be 0 (network failure) or an HTTP status up to 599, was " + status);
        }
        WireText.check("target", target, 1024, problems);
        WireText.check("sessionId", sessionId, WireText.MAX_NAME_CHARS, problems);
        WireText.check("method", method, 16, problems);
        return problems;
    }
}

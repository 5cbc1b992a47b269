package io.hubwatch.collector.ingest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.InvalidEventException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request body (a JSON array of events) into valid events and refusals that say which event and why.
 * One bad event does not spoil the batch: the good ones go on.
 *
 * <pre>{@code
 * BatchParser.Result r = BatchParser.parse(EventKind.API_CALLS, body, 5_000, clock.millis(), 300_000);
 * r.valid();      // ready for Kafka
 * r.refused();    // [{index: 3, reason: "field 'status' must be an HTTP status 100..599, was 999"}]
 * }</pre>
 */
public final class BatchParser {
    private BatchParser() {}

    /** One refused event: its position in the array (from 0), why, and its JSON. */
    public record Refusal(int index, String reason, String json) {}

    /**
     * @param problem   set when the whole body is unusable (not JSON, not an array, too many events); then the lists
     *                  are empty
     * @param tooLarge  the problem is the batch size (413, not 400)
     */
    public record Result(List<EventKind.Validated> valid, List<Refusal> refused, int total, String problem,
                         boolean tooLarge) {
        static Result unusable(String problem, boolean tooLarge) {
            return new Result(List.of(), List.of(), 0, problem, tooLarge);
        }
    }

    /**
     * @param nowMs            the gateway's clock
     * @param maxFutureSkewMs  events stamped more than this ahead of {@code nowMs} are refused
     */
    public static Result parse(EventKind kind, byte[] body, int maxEvents, long nowMs, long maxFutureSkewMs) {
        JsonNode root;
        try {
            root = EventJson.mapper().readTree(body);
        } catch (IOException e) {
            String message = e.getMessage() == null ? "unreadable" : e.getMessage().lines().findFirst().orElse("");
            return Result.unusable("the body is not valid JSON: " + message, false);
        }
        if (root == null || root.isMissingNode()) {
            return Result.unusable("the body is empty: send a JSON array of events", false);
        }
        if (root.isObject()) {
            root = EventJson.mapper().createArrayNode().add(root); // a single event is a batch of one
        }
        if (!root.isArray()) {
            return Result.unusable("the body must be a JSON array of events, was " + root.getNodeType(), false);
        }
        if (root.size() > maxEvents) {
            return Result.unusable("the batch has " + root.size() + " events; the limit is " + maxEvents, true);
        }
        List<EventKind.Validated> valid = new ArrayList<>(root.size());
        List<Refusal> refused = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            try {
                EventKind.Validated event = kind.validate(node);
                if (event.timestamp() > nowMs + maxFutureSkewMs) {
                    throw new InvalidEventException("field 'timestamp' " + Instant.ofEpochMilli(event.timestamp()) + " is "
                            + Duration.ofMillis(event.timestamp() - nowMs).toSeconds() + " s ahead of the gateway's clock ("
                            + Instant.ofEpochMilli(nowMs) + "); the limit is " + Duration.ofMillis(maxFutureSkewMs).toSeconds()
                            + " s");
                }
                valid.add(event);
            } catch (InvalidEventException e) {
                refused.add(new Refusal(i, e.getMessage(), node.toString()));
            }
        }
        return new Result(valid, refused, root.size(), null, false);
    }
}

package io.hubwatch.collector.ingest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.InvalidEventException;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.WebVitalEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The three kinds of events the gateway takes: how each is validated and which Kafka key it gets. */
public enum EventKind {
    /** POST /v1/api-calls. No key: the sticky partitioner fills batches best, and the job keys by endpoint itself. */
    API_CALLS {
        @Override
        Validated validate(JsonNode node) throws InvalidEventException {
            ApiCallEvent event = ApiCallEvent.fromJson(node);
            return new Validated(event.timestamp(), null, EventJson.toBytes(event));
        }
    },
    /** POST /v1/beacons, from /beacon.js. */
    BEACONS {
        @Override
        Validated validate(JsonNode node) throws InvalidEventException {
            WebVitalEvent event = WebVitalEvent.fromJson(node);
            return new Validated(event.timestamp(), null, EventJson.toBytes(event));
        }
    },
    /** POST /v1/metrics: keyed by series, as the alert job expects. */
    METRICS {
        @Override
        Validated validate(JsonNode node) throws InvalidEventException {
            if (node == null || !node.isObject()) {
                throw new InvalidEventException("expected a JSON object");
            }
            for (String field : List.of("timestamp", "source", "metric", "value")) {
                if (!node.hasNonNull(field)) {
                    throw new InvalidEventException("missing required field '" + field + "'");
                }
            }
            // an integer beyond a long is integral too, and Jackson's out-of-range message named no field
            if (!node.get("timestamp").isIntegralNumber() || !node.get("timestamp").canConvertToLong()) {
                throw new InvalidEventException("field 'timestamp' must be an integer (epoch ms), was " + node.get("timestamp"));
            }
            if (!node.get("value").isNumber()) {
                throw new InvalidEventException("field 'value' must be a number, was " + node.get("value"));
            }
            if (node.has("labels") && !node.get("labels").isObject()) {
                throw new InvalidEventException("field 'labels' must be an object of strings");
            }
            if (node.has("labels")) {
                // a nested value would fail in Jackson with a message about java.lang.String and no label name
                for (var it = node.get("labels").fields(); it.hasNext(); ) {
                    var label = it.next();
                    if (label.getValue().isContainerNode()) {
                        throw new InvalidEventException("field 'labels." + label.getKey() + "' must be a string, was "
                                + label.getValue());
                    }
                }
            }
            MetricEvent event;
            try {
                event = EventJson.mapper().treeToValue(node, MetricEvent.class);
            } catch (IOException e) {
                throw new InvalidEventException("invalid metric event: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (!event.problems().isEmpty()) {
                throw new InvalidEventException(String.join("; ", event.problems()));
            }
            return new Validated(event.timestamp(), event.seriesKey().getBytes(StandardCharsets.UTF_8), EventJson.toBytes(event));
        }
    };

    /** A valid event as it goes to Kafka, with its event time. */
    public record Validated(long timestamp, byte[] key, byte[] value) {}

    abstract Validated validate(JsonNode node) throws InvalidEventException;
}

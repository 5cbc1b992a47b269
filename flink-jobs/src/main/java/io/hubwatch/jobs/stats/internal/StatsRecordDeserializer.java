package io.hubwatch.jobs.stats.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.InvalidEventException;
import io.hubwatch.events.WebVitalEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Parses records of the api-calls, web-vitals and metrics topics by the topic they came from. Never throws: what is
 * not a valid event becomes a dead letter naming the problem, topic, partition and offset.
 */
public final class StatsRecordDeserializer implements KafkaRecordDeserializationSchema<StatsInput> {
    private static final long serialVersionUID = 1L;
    private static final int MAX_PAYLOAD_CHARS = 10_000;

    private final String apiCallsTopic;
    private final String webVitalsTopic;
    private final long maxFutureSkewMs;

    public StatsRecordDeserializer(String apiCallsTopic, String webVitalsTopic, Duration maxFutureSkew) {
        this.apiCallsTopic = apiCallsTopic;
        this.webVitalsTopic = webVitalsTopic;
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<StatsInput> out) {
        String where = " (" + record.topic() + " partition " + record.partition() + " offset " + record.offset() + ")";
        try {
            StatsInput input;
            if (record.topic().equals(apiCallsTopic)) {
                input = new StatsInput(ApiCallEvent.fromJson(tree(record.value())), null, null, null);
            } else if (record.topic().equals(webVitalsTopic)) {
                input = new StatsInput(null, WebVitalEvent.fromJson(tree(record.value())), null, null);
            } else {
                input = new StatsInput(null, null, EventJson.parseMetric(record.value()), null);
            }
            if (input.eventTime() > System.currentTimeMillis() + maxFutureSkewMs) {
                out.collect(refuse(record, "timestamp " + Instant.ofEpochMilli(input.eventTime()) + " is more than "
                        + Duration.ofMillis(maxFutureSkewMs) + " ahead of the clock" + where));
                return;
            }
            out.collect(input);
        } catch (InvalidEventException e) {
            out.collect(refuse(record, e.getMessage() + where));
        }
    }

    private static JsonNode tree(byte[] bytes) throws InvalidEventException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("empty message");
        }
        try {
            return EventJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new InvalidEventException("malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static StatsInput refuse(ConsumerRecord<byte[], byte[]> record, String reason) {
        String payload = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            payload = payload.substring(0, MAX_PAYLOAD_CHARS) + "…(truncated)";
        }
        return new StatsInput(null, null, null,
                new DeadLetter(record.topic(), "stats-job/parse", reason, payload, Instant.now()));
    }

    @Override
    public TypeInformation<StatsInput> getProducedType() {
        return TypeInformation.of(StatsInput.class);
    }
}

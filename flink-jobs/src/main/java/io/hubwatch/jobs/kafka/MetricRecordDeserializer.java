package io.hubwatch.jobs.kafka;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.InvalidEventException;
import io.hubwatch.events.MetricEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads {@link MetricEvent}s from Kafka. Parsing happens here, in the source, so that watermarks are generated per
 * partition from valid events only; input that is not a valid event becomes a {@link DeadLetter} naming the problem
 * and the partition and offset it came from.
 */
public final class MetricRecordDeserializer implements KafkaRecordDeserializationSchema<Ingested> {
    private static final long serialVersionUID = 1L;
    private static final int MAX_PAYLOAD_CHARS = 10_000;

    private final String stage;
    private final long maxFutureSkewMs;

    /**
     * @param stage         names the refusing stage in dead letters, e.g. {@code alert-job/parse}
     * @param maxFutureSkew events further ahead of the wall clock than this are refused: one bad clock must not push
     *                      the watermark past everyone else's data
     */
    public MetricRecordDeserializer(String stage, Duration maxFutureSkew) {
        this.stage = stage;
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        try {
            MetricEvent event = EventJson.parseMetric(record.value());
            long now = System.currentTimeMillis();
            if (event.timestamp() > now + maxFutureSkewMs) {
                out.collect(refuse(record, "timestamp " + Instant.ofEpochMilli(event.timestamp())
                        + " is more than " + Duration.ofMillis(maxFutureSkewMs) + " ahead of the clock" + where(record)));
                return;
            }
            out.collect(Ingested.ok(event));
        } catch (InvalidEventException e) {
            out.collect(refuse(record, e.getMessage() + where(record)));
        }
    }

    /** Only for refusals: building it for every record was a string concatenation per event in the source. */
    private static String where(ConsumerRecord<byte[], byte[]> record) {
        return " (" + record.topic() + " partition " + record.partition() + " offset " + record.offset() + ")";
    }

    private Ingested refuse(ConsumerRecord<byte[], byte[]> record, String reason) {
        String payload = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            payload = payload.substring(0, MAX_PAYLOAD_CHARS) + "…(truncated)";
        }
        return Ingested.refused(new DeadLetter(record.topic(), stage, reason, payload, Instant.now()));
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}

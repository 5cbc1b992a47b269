package io.hubwatch.jobs.kafka;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.InvalidEventException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads {@link Incident}s another job wrote (the anomaly job's, on their way into the alert job's silences and
 * inhibition): each record becomes an incident (left) or, when it is not one, a {@link DeadLetter} naming the problem
 * and the partition and offset it came from (right). It never throws, so a bad record cannot fail the job; split the
 * two with {@link SplitRefused#incidents()}.
 *
 * <pre>{@code
 * env.fromSource(KafkaIO.committedSource(servers, extra, "anomaly-incidents", group, new IncidentRecordDeserializer("alert-job/anomaly-incidents")), ...)
 *    .process(SplitRefused.incidents()).returns(Incident.class);
 * }</pre>
 */
public final class IncidentRecordDeserializer implements KafkaRecordDeserializationSchema<Either<Incident, DeadLetter>> {
    private static final long serialVersionUID = 1L;
    private static final int MAX_PAYLOAD_CHARS = 10_000;

    private final String stage;

    /** @param stage names the refusing stage in dead letters, e.g. {@code alert-job/anomaly-incidents} */
    public IncidentRecordDeserializer(String stage) {
        this.stage = stage;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<Incident, DeadLetter>> out) {
        try {
            Incident incident = EventJson.parseIncident(record.value() == null ? new byte[0] : record.value());
            String missing = missingFields(incident);
            if (missing != null) {
                throw new InvalidEventException("missing " + missing);
            }
            out.collect(Either.Left(incident));
        } catch (InvalidEventException | RuntimeException e) {
            String payload = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
            if (payload.length() > MAX_PAYLOAD_CHARS) {
                payload = payload.substring(0, MAX_PAYLOAD_CHARS) + "…(truncated)";
            }
            out.collect(Either.Right(new DeadLetter(record.topic(), stage, "not an incident: " + e.getMessage()
                    + " (" + record.topic() + " partition " + record.partition() + " offset " + record.offset() + ")",
                    payload, Instant.now())));
        }
    }

    /** What silences, inhibition and the sinks need of an incident (the JSON reader lets any field be absent). */
    private static final String[] REQUIRED = {"id", "ruleId", "kind", "status", "startsAt", "fingerprint"};

    private static String missingFields(Incident i) {
        Object[] values = {i.id(), i.ruleId(), i.kind(), i.status(), i.startsAt(), i.fingerprint()};
        java.util.StringJoiner missing = new java.util.StringJoiner(", ");
        for (int k = 0; k < REQUIRED.length; k++) {
            if (values[k] == null) {
                missing.add(REQUIRED[k]);
            }
        }
        return missing.length() == 0 ? null : missing.toString();
    }

    @Override
    public TypeInformation<Either<Incident, DeadLetter>> getProducedType() {
        return new EitherTypeInfo<>(TypeInformation.of(Incident.class), TypeInformation.of(DeadLetter.class));
    }
}

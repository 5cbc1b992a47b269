package io.hubwatch.jobs.kafka;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Severity;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert job reads the anomaly job's incidents from their topic: an incident passes, anything else becomes a dead
 * letter that says what was wrong and where it was, and nothing fails the job.
 */
class IncidentRecordDeserializerTest {
    private static final Instant STARTS = Instant.parse("2026-12-02T10:00:00Z");

    private final IncidentRecordDeserializer read = new IncidentRecordDeserializer("alert-job/anomaly-incidents");

    @Test
    void anIncidentIsReadAsItWasWritten() throws Exception {
        Incident anomaly = anomaly();

        List<Either<Incident, DeadLetter>> out = deserialize(EventJson.toBytes(anomaly), 7);

        assertThat(out).hasSize(1);
        assertThat(out.get(0).isLeft()).isTrue();
        assertThat(out.get(0).left()).isEqualTo(anomaly);
    }

    @Test
    void aRecordThatIsNoIncidentBecomesADeadLetterNamingTheProblemAndThePlace() throws Exception {
        for (byte[] bad : new byte[][]{"not json".getBytes(StandardCharsets.UTF_8),
                "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8), null}) {
            List<Either<Incident, DeadLetter>> out = deserialize(bad, 42);

            assertThat(out).hasSize(1);
            assertThat(out.get(0).isRight()).isTrue();
            DeadLetter letter = out.get(0).right();
            assertThat(letter.stage()).isEqualTo("alert-job/anomaly-incidents");
            assertThat(letter.reason()).startsWith("not an incident: ")
                    .endsWith("(anomaly-incidents partition 1 offset 42)");
            assertThat(letter.payload()).isEqualTo(bad == null ? "" : new String(bad, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aDeadLetterNamesTheFieldsSilencesAndTheSinksNeedThatAreMissing() throws Exception {
        List<Either<Incident, DeadLetter>> out = deserialize("{\"id\":\"x\",\"kind\":\"anomaly\"}"
                .getBytes(StandardCharsets.UTF_8), 3);

        assertThat(out.get(0).isRight()).isTrue();
        assertThat(out.get(0).right().reason()).startsWith("not an incident: missing ruleId, status, startsAt, fingerprint (");
    }

    @Test
    void theSplitPassesIncidentsOnAndSendsTheRestToTheDeadLetters() throws Exception {
        Incident anomaly = anomaly();
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(SplitRefused.incidents()))) {
            harness.open();
            for (Either<Incident, DeadLetter> e : deserialize(EventJson.toBytes(anomaly), 1)) {
                harness.processElement(e, 1);
            }
            for (Either<Incident, DeadLetter> e : deserialize("[]".getBytes(StandardCharsets.UTF_8), 2)) {
                harness.processElement(e, 2);
            }

            assertThat(harness.extractOutputValues()).containsExactly(anomaly);
            assertThat(harness.getSideOutput(SplitRefused.DEAD_LETTERS)).hasSize(1);
        }
    }

    private List<Either<Incident, DeadLetter>> deserialize(byte[] value, long offset) throws Exception {
        List<Either<Incident, DeadLetter>> out = new ArrayList<>();
        read.deserialize(new ConsumerRecord<>("anomaly-incidents", 1, offset, "fp".getBytes(StandardCharsets.UTF_8), value),
                new ListCollector<>(out));
        return out;
    }

    private static Incident anomaly() {
        return new Incident(Incident.idFor("fp", STARTS, IncidentStatus.FIRING), "anomaly:latency_ms",
                IncidentKind.ANOMALY, IncidentStatus.FIRING, Severity.WARNING, "latency_ms",
                Map.of("alertname", "anomaly:latency_ms", "host", "db-1"), 900.0, null, STARTS, null,
                "latency_ms is anomalous on db-1", Map.of(), "fp");
    }
}

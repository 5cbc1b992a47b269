package io.hubwatch.jobs.export;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Severity;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The export job reads the incidents topic: incidents become ALERTS series; anything else is skipped, not a failure. */
class IncidentDeserializerTest {
    private static final Instant STARTS = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void anIncidentPassesAndWhatIsNoneOrLacksWhatAnAlertSeriesNeedsIsSkipped() {
        Incident firing = new Incident(Incident.idFor("fp", STARTS, IncidentStatus.FIRING), "high_cpu",
                IncidentKind.THRESHOLD, IncidentStatus.FIRING, Severity.WARNING, "cpu_usage",
                Map.of("alertname", "high_cpu", "host", "web-1"), 91.0, 80.0, STARTS, null, "cpu high", Map.of(), "fp");
        List<Incident> out = new ArrayList<>();
        Collector<Incident> into = new ListCollector<>(out);
        PrometheusExportJob.IncidentDeserializer read = new PrometheusExportJob.IncidentDeserializer();

        read.deserialize(record(EventJson.toBytes(firing)), into);
        read.deserialize(record("not json".getBytes(StandardCharsets.UTF_8)), into);
        read.deserialize(record("{\"id\":\"x\",\"status\":\"firing\"}".getBytes(StandardCharsets.UTF_8)), into);
        read.deserialize(record(null), into);

        assertThat(out).containsExactly(firing);
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>("incidents", 0, 0, null, value);
    }
}

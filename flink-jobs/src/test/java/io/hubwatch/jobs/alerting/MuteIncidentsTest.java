package io.hubwatch.jobs.alerting;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Labels;
import io.hubwatch.events.Severity;
import io.hubwatch.jobs.alerting.internal.MuteIncidents;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.rules.Silence;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Silences and inhibition mark incidents; muted incidents are still emitted. */
class MuteIncidentsTest {
    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    private KeyedBroadcastOperatorTestHarness<String, Incident, SilenceChange, Incident> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new MuteIncidents(RuleSet.defaults().inhibitRules()), (Incident i) -> "all", Types.STRING,
                MuteIncidents.SILENCES);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static Incident incident(String rule, String host, IncidentStatus status, Instant startsAt) {
        Map<String, String> labels = new TreeMap<>(Map.of("alertname", rule, "host", host));
        String fp = Labels.fingerprint(labels);
        return new Incident(Incident.idFor(fp, startsAt, status), rule, IncidentKind.THRESHOLD, status, Severity.WARNING,
                "cpu_usage", labels, 90, 80.0, startsAt, status == IncidentStatus.RESOLVED ? startsAt.plusSeconds(60) : null,
                "s", Map.of(), fp);
    }

    private void silence(String id, String matcher, Instant from, Duration length) throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(SilenceChange.upsert(new Silence(id,
                List.of(LabelMatcher.parse(matcher)), from, from.plus(length), "ops", "maintenance"))));
    }

    private Incident send(Incident i) throws Exception {
        harness.processElement(new StreamRecord<>(i, i.startsAt().toEpochMilli()));
        List<Incident> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void anActiveSilenceMarksMatchingIncidentsButStillEmitsThem() throws Exception {
        silence("s-1", "host=\"web-1\"", T0, Duration.ofHours(1));

        Incident muted = send(incident("high_cpu_usage", "web-1", IncidentStatus.FIRING, T0.plusSeconds(60)));
        Incident other = send(incident("high_cpu_usage", "web-2", IncidentStatus.FIRING, T0.plusSeconds(60)));

        assertThat(muted.annotations()).containsEntry(MuteIncidents.SILENCED_BY, "s-1");
        assertThat(other.annotations()).doesNotContainKey(MuteIncidents.SILENCED_BY);
    }

    @Test
    void anExpiredSilenceStopsMuting() throws Exception {
        silence("s-1", "host=\"web-1\"", T0, Duration.ofMinutes(10));

        Incident after = send(incident("high_cpu_usage", "web-1", IncidentStatus.FIRING, T0.plus(Duration.ofMinutes(11))));

        assertThat(after.annotations()).doesNotContainKey(MuteIncidents.SILENCED_BY);
    }

    @Test
    void aDeletedSilenceStopsMuting() throws Exception {
        silence("s-1", "host=\"web-1\"", T0, Duration.ofHours(1));
        harness.processBroadcastElement(new StreamRecord<>(SilenceChange.delete("s-1")));

        assertThat(send(incident("high_cpu_usage", "web-1", IncidentStatus.FIRING, T0.plusSeconds(60))).annotations())
                .doesNotContainKey(MuteIncidents.SILENCED_BY);
    }

    @Test
    void aFiringCriticalInhibitsTheWarningOnTheSameHostOnly() throws Exception {
        Incident critical = send(incident("critical_cpu_usage", "web-1", IncidentStatus.FIRING, T0));
        Incident warningSameHost = send(incident("high_cpu_usage", "web-1", IncidentStatus.FIRING, T0.plusSeconds(180)));
        Incident warningOtherHost = send(incident("high_cpu_usage", "web-2", IncidentStatus.FIRING, T0.plusSeconds(180)));

        assertThat(critical.annotations()).doesNotContainKey(MuteIncidents.INHIBITED_BY);
        assertThat(warningSameHost.annotations().get(MuteIncidents.INHIBITED_BY))
                .startsWith("critical_cpu_usage/" + critical.fingerprint());
        assertThat(warningOtherHost.annotations()).doesNotContainKey(MuteIncidents.INHIBITED_BY);
    }

    @Test
    void aResolvedSourceNoLongerInhibitsAndAResolvedTargetKeepsItsMarks() throws Exception {
        send(incident("critical_cpu_usage", "web-1", IncidentStatus.FIRING, T0));
        send(incident("high_cpu_usage", "web-1", IncidentStatus.FIRING, T0.plusSeconds(180)));
        Incident targetResolved = send(incident("high_cpu_usage", "web-1", IncidentStatus.RESOLVED, T0.plusSeconds(180)));
        send(incident("critical_cpu_usage", "web-1", IncidentStatus.RESOLVED, T0));
        Incident later = send(incident("high_cpu_usage", "web-1", IncidentStatus.FIRING, T0.plusSeconds(900)));

        assertThat(targetResolved.annotations()).containsKey(MuteIncidents.INHIBITED_BY);
        assertThat(later.annotations()).doesNotContainKey(MuteIncidents.INHIBITED_BY);
        assertThat(HarnessState.keyedEntries(harness)).as("only the firing warning is remembered").isEqualTo(1);
    }
}

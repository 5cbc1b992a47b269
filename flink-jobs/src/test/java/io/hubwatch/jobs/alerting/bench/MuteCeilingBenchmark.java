package io.hubwatch.jobs.alerting.bench;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Labels;
import io.hubwatch.events.Severity;
import io.hubwatch.jobs.alerting.SilenceChange;
import io.hubwatch.jobs.alerting.internal.MuteIncidents;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.RuleSet;
import io.hubwatch.rules.Silence;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Benchmark (run by hand, not a test): the ceiling of the muting stage, which runs as one subtask (inhibition compares
 * every firing alert), in incidents per CPU-second of the one thread that does the work.
 *
 * <p>Per host, in rounds: {@code critical_cpu_usage} fires (an inhibition source), {@code high_cpu_usage} fires (its
 * target, inhibited by it), then both resolve; with 20 silences in force (one matching) and N hosts firing at once at
 * the peak. Heap state, as in {@code up}. The figure to compare is the incident rate the alert job produces: in
 * benchmarks/alert-throughput.sh, 12,000 incidents for 600,000 events.
 *
 * <pre>{@code
 * benchmarks/mute-ceiling.sh [hosts=20000] [rounds=3]
 * }</pre>
 */
public final class MuteCeilingBenchmark {
    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        KeyedBroadcastOperatorTestHarness<String, Incident, SilenceChange, Incident> harness =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new MuteIncidents(RuleSet.defaults().inhibitRules()), (Incident i) -> "all", Types.STRING,
                        MuteIncidents.SILENCES);
        for (int s = 0; s < 20; s++) {
            harness.processBroadcastElement(new StreamRecord<>(SilenceChange.upsert(new Silence("s-" + s,
                    List.of(LabelMatcher.parse("host=\"web-" + (s * 7) + "\"")), T0, T0.plus(Duration.ofDays(1)), "ops",
                    "maintenance"))));
        }
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int r = 0; r <= rounds; r++) {   // round 0 warms up
            List<Incident> firing = new ArrayList<>(hosts * 2);
            List<Incident> resolved = new ArrayList<>(hosts * 2);
            Instant at = T0.plus(Duration.ofHours(r));
            for (int h = 0; h < hosts; h++) {
                for (String rule : List.of("critical_cpu_usage", "high_cpu_usage")) {
                    firing.add(incident(rule, "web-" + h, IncidentStatus.FIRING, at));
                    resolved.add(incident(rule, "web-" + h, IncidentStatus.RESOLVED, at));
                }
            }
            long cpu0 = bean.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            for (Incident i : firing) {
                harness.processElement(new StreamRecord<>(i, i.startsAt().toEpochMilli()));
            }
            for (Incident i : resolved) {
                harness.processElement(new StreamRecord<>(i, i.startsAt().toEpochMilli()));
            }
            double cpu = (bean.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double wall = (System.nanoTime() - wall0) / 1e9;
            long inhibited = harness.extractOutputValues().stream()
                    .filter(i -> i.annotations().containsKey(MuteIncidents.INHIBITED_BY)).count();
            harness.getOutput().clear();
            if (r > 0) {
                System.out.printf("RESULT round=%d hosts=%d incidents=%d cpu_seconds=%.2f incidents_per_cpu_second=%.0f "
                                + "wall_seconds=%.2f inhibited=%d%n", r, hosts, firing.size() + resolved.size(), cpu,
                        (firing.size() + resolved.size()) / cpu, wall, inhibited);
            }
        }
        harness.close();
        System.exit(0);
    }

    private static Incident incident(String rule, String host, IncidentStatus status, Instant startsAt) {
        Map<String, String> labels = new TreeMap<>(Map.of("alertname", rule, "host", host));
        String fp = Labels.fingerprint(labels);
        return new Incident(Incident.idFor(fp, startsAt, status), rule, IncidentKind.THRESHOLD, status, Severity.WARNING,
                "cpu_usage", labels, 90, 80.0, startsAt, status == IncidentStatus.RESOLVED ? startsAt.plusSeconds(60) : null,
                "s", Map.of(), fp);
    }
}

package io.hubwatch.loadtest.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.loadtest.report.Reports;
import io.hubwatch.loadtest.run.LoadTest;
import io.hubwatch.loadtest.run.RunResult;
import io.hubwatch.loadtest.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real runs through the gate: a re-run of the baseline passes, a target made 30 % slower fails. */
class GateITCase {

    @TempDir
    Path dir;

    private JsonNode run(String name, String sutLatency) throws Exception {
        String yaml = """
                services:
                  sut: {kind: reference-upstream, latency: "%s"}
                  ref: {kind: reference-upstream, latency: "fixed:100"}
                targets:
                  sut: {service: sut}
                  ref: {service: ref, reference: true}
                requests:
                  - {target: sut, path: /a, weight: 3}
                  - {target: ref, path: /a, weight: 1}
                phases:
                  - {name: warm-up, type: constant, rate: 40, duration: 2s, judged: false}
                  - {name: steady, type: constant, rate: 40, duration: 6s}
                """.formatted(sutLatency);
        Path out = dir.resolve(name);
        RunResult r = LoadTest.run(ScenarioLoader.parse(yaml, name + ".yaml", Map.of()), out, out.resolve("logs"),
                System.err);
        return Reports.JSON.readTree(Reports.JSON.writeValueAsString(r));
    }

    @Test
    void aReRunPassesAndAPlanted30PercentRegressionFails() throws Exception {
        // 100 ms answers (timers): tens of ms of scheduling noise on a loaded machine stay small beside them;
        // the first run in this JVM also compiles the code paths, so it is not compared
        run("compile", "fixed:100");
        JsonNode baseline = run("baseline", "fixed:100");
        JsonNode rerun = run("rerun", "fixed:100");
        JsonNode regressed = run("regressed", "fixed:130");

        Gate.Verdict same = Gate.compare(baseline, rerun, Gate.Tolerances.defaults());
        Gate.Verdict slower = Gate.compare(baseline, regressed, Gate.Tolerances.defaults());

        assertThat(same.passed()).as(String.join("\n", same.figures().stream().map(Gate.Figure::line).toList())).isTrue();
        assertThat(slower.passed()).as(String.join("\n", slower.figures().stream().map(Gate.Figure::line).toList()))
                .isFalse();
        assertThat(slower.figures()).filteredOn(Gate.Figure::regressed).extracting(Gate.Figure::metric).contains("p50");
    }
}

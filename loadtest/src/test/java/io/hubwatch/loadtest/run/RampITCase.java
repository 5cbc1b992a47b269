package io.hubwatch.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ramp finds the knee of a server with a known capacity. */
class RampITCase {

    @TempDir
    Path dir;

    @Test
    void theKneeOfAServerThatServesAtMostOneHundredRequestsPerSecond() throws Exception {
        // one worker, 10 ms per request: at most 100 requests/s (fewer when the machine is busy and sleeps overshoot)
        try (TestServers.Running server = TestServers.start(n -> Thread.sleep(10))) {
            RunResult r = TestServers.run("""
                    targets: {server: {url: "${vars.url}"}}
                    requests: [{path: /work}]
                    phases: [{name: stress, type: ramp, from: 40, step: 20, to: 200, step_duration: 4s}]
                    slos: ["p95 < 250ms"]
                    settings: {timeout: 5s}
                    """, dir, Map.of("url", server.url()));

            RunResult.Knee knee = r.phases().get(0).knee();
            // below capacity arrivals never queue (fixed intervals, fixed work); above it the queue grows by the
            // excess every second and p95 passes 250 ms within the 4 s step
            assertThat(knee.rate()).isNotNull().isBetween(40.0, 100.0);
            assertThat(knee.brokeAt()).isNotNull().isBetween(60.0, 120.0);
            assertThat(knee.reason()).contains("p95 < 250ms");
            // the ramp stopped after the knee instead of running to 200/s
            assertThat(r.phases().get(0).steps()).last().extracting(RunResult.StepResult::rate)
                    .satisfies(rate -> assertThat((Double) rate).isLessThanOrEqualTo(160.0));

            io.hubwatch.loadtest.report.Reports.write(r, dir);
            assertThat(dir.resolve("knee-stress.png")).isRegularFile();
            assertThat(Files.readString(dir.resolve("report.md"))).contains("**Knee: " + Math.round(knee.rate()));
        }
    }
}

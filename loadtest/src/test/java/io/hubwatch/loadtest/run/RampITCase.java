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
    void theKneeOfAServerThatServesAtMostFiftyRequestsPerSecond() throws Exception {
        // one worker, 20 ms per request: at most 50 requests/s (fewer when a busy machine makes sleeps overshoot);
        // 20 ms of work keeps the capacity well above the scheduling noise of a loaded 2-core machine
        try (TestServers.Running server = TestServers.start(n -> Thread.sleep(20))) {
            RunResult r = TestServers.run("""
                    targets: {server: {url: "${vars.url}"}}
                    requests: [{path: /work}]
                    phases:
                      - {name: warm-up, type: constant, rate: 10, duration: 2s, judged: false}
                      - {name: stress, type: ramp, from: 10, step: 10, to: 120, step_duration: 4s}
                    slos: ["p95 < 500ms"]
                    settings: {timeout: 5s}
                    """, dir, Map.of("url", server.url()));

            RunResult.PhaseResult ramp = r.phases().get(1);
            RunResult.Knee knee = ramp.knee();
            // below capacity arrivals never queue (fixed intervals, fixed work); above it the queue grows by the
            // excess every second, and at 20 % over capacity p95 passes 500 ms within the 4 s step
            assertThat(knee.rate()).as("knee %s", knee).isNotNull().isBetween(10.0, 50.0);
            assertThat(knee.brokeAt()).as("knee %s", knee).isNotNull().isBetween(20.0, 70.0);
            assertThat(knee.reason()).contains("p95 < 500ms");
            // the ramp stopped soon after the knee instead of running to 120/s
            assertThat(ramp.steps().get(ramp.steps().size() - 1).rate()).isLessThanOrEqualTo(100.0);

            io.hubwatch.loadtest.report.Reports.write(r, dir);
            assertThat(dir.resolve("knee-stress.png")).isRegularFile();
            assertThat(Files.readString(dir.resolve("report.md"))).contains("**Knee: " + Math.round(knee.rate()));
        }
    }
}

package io.hubwatch.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator keeps its offered rate when the target stalls, and the stall shows in the percentiles. */
class OpenModelITCase {

    @TempDir
    Path dir;

    @Test
    void aTargetThatPausesOneSecondShowsThatSecondInThePercentiles() {
        // the 101st request (about 1 s into the phase) holds the server's one worker for a whole second
        try (TestServers.Running server = TestServers.start(n -> {
            if (n == 101) {
                Thread.sleep(1000);
            }
        })) {
            RunResult r = TestServers.run("""
                    targets: {server: {url: "${vars.url}"}}
                    requests: [{path: /item}]
                    phases: [{name: stall, type: constant, rate: 100, duration: 4s}]
                    settings: {timeout: 10s}
                    """, dir, Map.of("url", server.url()));

            RunResult.TargetResult t = r.phases().get(0).targets().get("server");
            // every request due was sent on schedule, the stall notwithstanding
            assertThat(t.sent()).isEqualTo(400);
            assertThat(t.errors()).isZero();
            // a closed-loop client would see one slow request; due times make the ~100 requests that fell into
            // the stall wait for its end: the slowest about the whole second, one in ten at least ~0.4 s
            assertThat(t.latencyMs().max()).isBetween(950.0, 5000.0);
            assertThat(t.latencyMs().p99()).isGreaterThan(800.0);
            assertThat(t.latencyMs().p90()).isGreaterThan(250.0);
        }
    }
}

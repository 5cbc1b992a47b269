package io.hubwatch.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak reports a rising slope for a server that leaks. */
class SoakITCase {

    @TempDir
    Path dir;

    @Test
    void aServerThatLeaksShowsARisingLatencySlopeAndItsMemoryIsFollowed() {
        // each request keeps 20 KB for good and the handler walks everything kept: 1 ms more per 2 requests, so at
        // 20 requests/s the work grows from ~20 ms to ~120 ms over the soak: a rise well above the tens of ms a
        // loaded 2-core machine adds at random (a rise of 20 ms drowned in it)
        List<byte[]> leaked = new ArrayList<>();
        try (TestServers.Running server = TestServers.start(n -> {
            leaked.add(new byte[20_000]);
            Thread.sleep(leaked.size() / 2);
        })) {
            RunResult r = TestServers.run("""
                    targets: {server: {url: "${vars.url}"}}
                    requests: [{path: /leak}]
                    processes: {test-jvm: self}
                    phases:
                      - {name: warm-up, type: constant, rate: 20, duration: 2s, judged: false}
                      - {name: soak, type: soak, rate: 20, duration: 10s, sample_every: 1s}
                    slos: ["latency_slope < 1000ms/h"]
                    settings: {timeout: 30s}
                    """, dir, Map.of("url", server.url()));

            RunResult.Soak soak = r.phases().get(1).soak();
            // latency climbs by ~100 ms in 10 s: about 36,000 ms per hour; the bound leaves room for noise
            assertThat(soak.latencyP95SlopeMsPerHour()).isGreaterThan(1000.0);
            assertThat(r.passed()).as("the latency-slope objective catches the leak").isFalse();
            RunResult.ProcessTrend jvm = soak.processes().get("test-jvm");
            assertThat(jvm.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(jvm.samples()).hasSizeGreaterThanOrEqualTo(5);
            assertThat(jvm.rssEndMb()).isPositive();
        }
    }
}

package io.hubwatch.launcher.ingest;

import io.hubwatch.launcher.Hubwatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad arguments to {@code ingest} and {@code load api-calls} are named, with exit code 2 and no stack trace. */
class IngestCommandsTest {

    private record Run(int exitCode, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Hubwatch.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void anUnknownLatencyDistributionIsNamedWithTheAcceptedForms() {
        Run run = run("load", "api-calls", "--gateway", "http://127.0.0.1:1", "--key", "k", "--latency-ms", "gauss:3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'gauss:3' is not a latency distribution").doesNotContain("Exception");
    }

    @Test
    void anErrorRateAbove100PercentIsRefused() {
        Run run = run("load", "api-calls", "--gateway", "http://127.0.0.1:1", "--key", "k", "--error-rate", "150");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--error-rate is a percentage 0..100, was 150.0");
    }

    @Test
    void aDurationThatIsNotADurationIsNamed() {
        Run run = run("load", "api-calls", "--gateway", "http://127.0.0.1:1", "--key", "k", "--duration", "3 minutes");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'3 minutes' is not a duration");
    }

    @Test
    void aBurstSmallerThanTheBatchLimitIsRefusedBeforeServing(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "test-key-0123456789abcdef shop\n");
        Run run = run("ingest", "--kafka", "localhost:9092", "--port", "0", "--key-file", keys.toString(),
                "--burst", "10", "--max-batch", "100");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the burst (10 events) must be at least the batch limit (100)");
    }
}

package io.hubwatch.launcher.ingest;

import io.hubwatch.launcher.Hubwatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        assertThat(run.err()).contains("Invalid value for option '--duration': '3 minutes' is not a duration");
    }

    @Test
    void aBurstSmallerThanTheBatchLimitIsRefusedBeforeServing(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "test-key-0123456789abcdef shop\n");
        Run run = run("ingest", "--kafka", "localhost:9092", "--port", "0", "--key-file", keys.toString(),
                "--burst", "10", "--max-batch", "100");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the burst (10 events) must be at least the batch limit (100)");
    }

    @Test
    void aKeyFileScopesKeysWithBeaconLinesAndKeepsUnscopedLinesAsServerKeys(@TempDir Path dir) throws Exception {
        Path both = Files.writeString(dir.resolve("both"), "same-key-0123456789abcdef shop\nbeacon same-key-0123456789abcdef pages\n");
        Path shortBeacon = Files.writeString(dir.resolve("short"), "server-key-0123456789abcdef shop\nbeacon short pages\n");
        Path bare = Files.writeString(dir.resolve("bare"), "beacon\n");

        Run sameKey = run("ingest", "--kafka", "localhost:9092", "--port", "0", "--key-file", both.toString());
        Run tooShort = run("ingest", "--kafka", "localhost:9092", "--port", "0", "--key-file", shortBeacon.toString());
        Run noKey = run("ingest", "--kafka", "localhost:9092", "--port", "0", "--key-file", bare.toString());

        assertThat(sameKey.err()).contains("the key of client 'pages' is both a server and a beacon key");
        assertThat(tooShort.err()).contains("beacon key for client 'pages' must be at least 16 characters");
        assertThat(noKey.err()).contains("line 1: 'beacon' must be followed by a key");
        assertThat(List.of(sameKey.exitCode(), tooShort.exitCode(), noKey.exitCode())).containsOnly(2);
    }

    @Test
    void aFutureSkewThatIsNotADurationIsNamed(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "test-key-0123456789abcdef shop\n");
        Run run = run("ingest", "--kafka", "localhost:9092", "--port", "0", "--key-file", keys.toString(),
                "--max-future-skew", "five minutes");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--max-future-skew': 'five minutes' is not a duration");
    }

    @Test
    void aMissingIngestKeyFileIsNamedWithWhatToDo(@TempDir Path dir) {
        Path missing = dir.resolve("ingest-key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngestKeys.read(missing))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("no ingest key: " + missing + " does not exist (give --key, or start 'hubwatch up', which "
                        + "writes it)");
    }

    @Test
    void aNegativeRateIsRefused() {
        Run run = run("load", "api-calls", "--gateway", "http://127.0.0.1:1", "--key", "k", "--rate", "-5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--rate").doesNotContain("Exception");
    }
}

package io.hubwatch.launcher.agent;

import io.hubwatch.launcher.Hubwatch;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class AgentCommandTest {

    private record Run(int exitCode, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Hubwatch.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int code = cli.execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void anIntervalBelowOneSecondIsRefusedBeforeAnythingStarts() {
        Run run = run("agent", "--kafka", "localhost:9092", "--interval", "500ms");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("interval must be at least 1s, was 500ms");
    }

    @Test
    void anIntervalThatIsNotADurationIsNamed() {
        Run run = run("agent", "--kafka", "localhost:9092", "--interval", "10x");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--interval': '10x' is not a duration");
    }

    @Test
    void theKafkaAddressIsRequired() {
        Run run = run("agent", "--interval", "5s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--kafka=BOOTSTRAP'");
    }

    @Test
    void aKafkaAddressWithoutAPortIsRefusedNamingIt() {
        Run run = run("agent", "--kafka", "localhost");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Kafka bootstrap server 'localhost' is not host:port");
    }
}

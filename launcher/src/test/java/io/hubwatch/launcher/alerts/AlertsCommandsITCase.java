package io.hubwatch.launcher.alerts;

import io.hubwatch.api.ApiConfig;
import io.hubwatch.api.ApiServer;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.FreshDatabase;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.launcher.Hubwatch;
import io.hubwatch.storage.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules and silence commands against a real alerts API (PostgreSQL, Kafka), addressed with --api and --token. */
@ExtendWith(KafkaBrokerExtension.class)
class AlertsCommandsITCase {
    private static final String TOKEN = "cli-token-0123456789abcdef";
    static ApiServer api;

    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @BeforeAll
    static void start(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        Database db = Database.of(DB.jdbcUrl(), DB.user(), DB.password());
        api = ApiServer.start(ApiConfig.of(db, kafka.bootstrapServers(), TOKEN).withDefaultRules(false));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        return runLocal(java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--api", api.address().toString(), "--token", TOKEN)).toArray(String[]::new));
    }

    private static Run runLocal(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Hubwatch.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void appliesListsAndDeletesRulesFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, """
                rules:
                  - {id: cli_cpu, metric: cpu_usage, op: ">", threshold: 80, for: 5m, severity: warning}
                  - {id: cli_disk, metric: disk_usage, op: ">=", threshold: 90, severity: critical}
                """);
        Run applied = run("rules", "apply", file.toString());
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("created cli_cpu", "created cli_disk", "2 of 2 rule(s) applied");
        assertThat(run("rules", "apply", file.toString()).out()).contains("updated cli_cpu (version 2)");

        Run listed = run("rules", "list");
        assertThat(listed.out()).contains("cli_cpu", "cpu_usage > 80 for 5m", "cli_disk");

        assertThat(run("rules", "delete", "cli_disk").out()).contains("deleted cli_disk");
        Run again = run("rules", "delete", "cli_disk");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no rule with id 'cli_disk'");
    }

    @Test
    void anInvalidRuleFileIsReportedAndNothingIsApplied(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "rules:\n  - {id: cli_bad, metric: m, op: '=>', threshold: 1, severity: info}\n");
        Run r = run("rules", "apply", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("field 'op'", "nothing applied");
        assertThat(run("rules", "list").out()).doesNotContain("cli_bad");
    }

    @Test
    void addsListsAndExpiresASilence() {
        Run added = run("silence", "add", "--match", "host=web-1", "--match", "alertname=~high_.*", "--for", "2h",
                "--comment", "kernel upgrade", "--author", "alice");
        assertThat(added.exitCode()).as(added.err()).isZero();
        String id = added.out().split(" ")[0];
        assertThat(id).startsWith("s-");
        assertThat(run("silence", "list").out()).contains(id, "active", "alice", "kernel upgrade");
        assertThat(run("silence", "expire", id).out()).contains("expired " + id);
        assertThat(run("silence", "list").out()).doesNotContain(id);
        assertThat(run("silence", "list", "--all").out()).contains(id, "expired");
    }

    @Test
    void aNegativeSilenceDurationIsRefusedWithTheApisMessage() {
        Run r = run("silence", "add", "--match", "host=a", "--for", "-1h", "--comment", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("must not be negative");
    }

    @Test
    void aWrongTokenIsExplained() {
        StringWriter err = new StringWriter();
        CommandLine cli = Hubwatch.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("rules", "list", "--api", api.address().toString(), "--token", "wrong-token-value");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("invalid bearer token");
    }

    @Test
    void importConvertsAPrometheusFileAndNamesWhatItCannot(@TempDir Path dir) throws Exception {
        Path prom = dir.resolve("alerts.yml");
        Files.writeString(prom, """
                groups:
                  - name: node
                    rules:
                      - alert: HighLoad
                        expr: node_load1{job="node"} > 4
                        for: 10m
                        labels: {severity: warning}
                      - alert: Errors
                        expr: rate(errors_total[5m]) > 1
                """);
        Path out = dir.resolve("hubwatch.yaml");
        Run r = runLocal("rules", "import", prom.toString(), "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("group 'node', alert 'Errors': not converted:", "function 'rate'", "converted 1 of 2");
        assertThat(runLocal("rules", "check", out.toString()).out()).contains("OK: 1 rule(s)", "HighLoad: node_load1 > 4 for 10m");
    }
}

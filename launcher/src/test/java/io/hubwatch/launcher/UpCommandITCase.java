package io.hubwatch.launcher;

import io.hubwatch.testing.FreshDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spine as a user runs it: {@code hubwatch up --rules R} in its own JVM prints READY, {@code hubwatch incidents
 * --max 1} then prints the rule's firing incident, and SIGTERM stops {@code up} with exit code 0, its jobs with a
 * savepoint. It runs in a home and a database of its own, so it neither reads nor leaves a user's rules or incidents.
 */
class UpCommandITCase {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    void upPrintsReadyAFiringIncidentArrivesAndSigtermExitsZero(@TempDir Path home) throws Exception {
        Path rules = home.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - {id: cpu_seen, metric: cpu_usage, op: '>=', threshold: 0, for: 0s, severity: info}\n");
        int exit;
        List<String> upOutput;
        try (HubwatchProcess up = HubwatchProcess.start(home, "up", "--rules", rules.toString(), "--interval", "2s",
                "--db", DB.jdbcUrl())) {
            String readyLine = up.awaitReady(Duration.ofSeconds(240)); // minutes only on a machine loaded many times over
            assertThat(readyLine).matches("READY kafka=\\S+:\\d+ .*agent-health=http://127\\.0\\.0\\.1:\\d+/health.*");

            // the first incident needs the jobs warm: minutes on a machine loaded many times over, seconds when quiet
            String printed = HubwatchProcess.run(home, Duration.ofSeconds(250), "incidents", "--max", "1", "--timeout", "240s");
            assertThat(printed).contains("\"ruleId\":\"cpu_seen\"", "\"status\":\"firing\"");

            exit = up.stop(Duration.ofSeconds(120));
            upOutput = up.output();
        }
        assertThat(exit).as("exit code after SIGTERM (-1: not stopped, savepoints included, within two minutes); "
                + "output: %s", upOutput).isZero();
        assertThat(upOutput).as("no stack traces on the terminal").noneMatch(l -> l.contains("Exception"));
        assertThat(upOutput).as("log: %s", tail(home.resolve(".hubwatch/logs/hubwatch.log"))).contains("stopped");
        assertThat(home.resolve(".hubwatch/up.json")).as("state file removed on a clean stop").doesNotExist();
        assertThat(home.resolve(".hubwatch/flink/hubwatch-alert-job/savepoints")).as("the alert job's savepoint")
                .isDirectoryContaining(p -> p.getFileName().toString().startsWith("savepoint-"));
        assertThat(home.resolve(".hubwatch/kafka/data/meta.properties")).as("Kafka's data kept for the next start").exists();
    }
}

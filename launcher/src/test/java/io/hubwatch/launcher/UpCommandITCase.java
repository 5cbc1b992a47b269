package io.hubwatch.launcher;

import io.hubwatch.embedded.FreshDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spine as a user runs it: {@code hubwatch up --rules R} in its own JVM prints READY, {@code hubwatch incidents
 * --max 1} then prints the rule's firing incident, and SIGTERM stops {@code up} with exit code 0, its jobs with a
 * savepoint. It runs in a home and a database of its own, so it neither reads nor leaves a user's rules or incidents.
 */
class UpCommandITCase {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static ProcessBuilder hubwatch(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dhubwatch.home=" + home, "-cp", System.getProperty("java.class.path"), Hubwatch.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

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
        Process up = hubwatch(home, "up", "--rules", rules.toString(), "--interval", "2s", "--db", DB.jdbcUrl()).start();
        List<String> upOutput = new ArrayList<>();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (upOutput) {
                        upOutput.add(line);
                    }
                    if (line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
            ready.complete(null);
        });
        reader.start();
        try {
            String readyLine = ready.get(240, TimeUnit.SECONDS); // minutes only on a machine loaded many times over
            assertThat(readyLine).as("up's output: %s", upOutput).isNotNull()
                    .matches("READY kafka=\\S+:\\d+ .*agent-health=http://127\\.0\\.0\\.1:\\d+/health.*");

            // the first incident needs the jobs warm: minutes on a machine loaded many times over, seconds when quiet
            Process incidents = hubwatch(home, "incidents", "--max", "1", "--timeout", "240s").start();
            String printed = new String(incidents.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(incidents.waitFor(250, TimeUnit.SECONDS)).isTrue();

            assertThat(incidents.exitValue()).as(printed).isZero();
            assertThat(printed).contains("\"ruleId\":\"cpu_seen\"", "\"status\":\"firing\"");
        } finally {
            up.toHandle().destroy(); // SIGTERM, keeping our end of its output open (Process.destroy closes it)
            assertThat(up.waitFor(120, TimeUnit.SECONDS)).as("up stops (savepoints included) within two minutes").isTrue();
            reader.join(5_000);
        }
        assertThat(up.exitValue()).as("exit code after SIGTERM; output: %s", upOutput).isZero();
        synchronized (upOutput) {
            assertThat(upOutput).as("no stack traces on the terminal").noneMatch(l -> l.contains("Exception"));
            assertThat(upOutput).as("log: %s", tail(home.resolve(".hubwatch/logs/hubwatch.log"))).contains("stopped");
        }
        assertThat(home.resolve(".hubwatch/up.json")).as("state file removed on a clean stop").doesNotExist();
        assertThat(home.resolve(".hubwatch/flink/hubwatch-alert-job/savepoints")).as("the alert job's savepoint")
                .isDirectoryContaining(p -> p.getFileName().toString().startsWith("savepoint-"));
        assertThat(home.resolve(".hubwatch/kafka/data/meta.properties")).as("Kafka's data kept for the next start").exists();
    }
}

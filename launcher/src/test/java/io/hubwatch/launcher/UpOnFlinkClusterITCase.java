package io.hubwatch.launcher;

import io.hubwatch.cluster.FlinkRest;
import io.hubwatch.cluster.FlinkSessionCluster;
import io.hubwatch.testing.FreshDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hubwatch up --flink HOST:PORT} as a user runs it against a cluster started beside it (a standalone session
 * cluster: JobManager and TaskManager processes, nothing of Hubwatch on their classpath): the jobs are submitted with
 * Flink's client from the job jar, READY names the cluster, a rule's incident arrives on the topic, and SIGTERM stops
 * every job {@code up} submitted with a savepoint (none left running on the cluster) and exits 0.
 */
class UpOnFlinkClusterITCase {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final Path JOB_JAR = Path.of(System.getProperty("hubwatch.jobJar", "../flink-jobs/target/missing.jar"));
    private static final Pattern JOB = Pattern.compile("\"jid\"\\s*:\\s*\"([0-9a-f]{32})\"[^}]*?\"state\"\\s*:\\s*\"([A-Z]+)\"");

    private static ProcessBuilder hubwatch(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dhubwatch.home=" + home, "-Dhubwatch.jobJar=" + JOB_JAR.toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), Hubwatch.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private static final long T0 = System.nanoTime();

    /** Progress on standard error: where the time goes when this test is slow. */
    private static void phase(String what) {
        System.err.printf("UpOnFlinkClusterITCase +%.1fs %s%n", (System.nanoTime() - T0) / 1e9, what);
    }

    @Test
    void upSubmitsItsJobsToTheClusterAnIncidentArrivesAndSigtermStopsThemWithASavepoint(@TempDir Path home)
            throws Exception {
        assertThat(JOB_JAR).exists();
        Path rules = home.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - {id: cpu_seen, metric: cpu_usage, op: '>=', threshold: 0, for: 0s, severity: info}\n");
        // under target/, not the temporary directory: its logs are what to read when this test fails
        try (FlinkSessionCluster cluster = FlinkSessionCluster.start(
                Path.of("target", "up-flink-it-" + UUID.randomUUID().toString().substring(0, 8)), 3, Duration.ofSeconds(180))) {
            phase("cluster up at " + cluster.address());
            Process up = hubwatch(home, "up", "--flink", cluster.address(), "--rules", rules.toString(),
                    "--interval", "1s", "--db", DB.jdbcUrl()).start();
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
            FlinkRest rest = cluster.rest();
            try {
                String readyLine = ready.get(240, TimeUnit.SECONDS);
                assertThat(readyLine).as("up's output: %s", upOutput).isNotNull()
                        .contains(" flink-rest=http://" + cluster.address() + " ")
                        .doesNotContain("flink-metrics=");
                phase("READY");
                assertThat(jobs(rest)).as("the alert, anomaly and statistics jobs run on the cluster").hasSize(3)
                        .allSatisfy(j -> assertThat(j.state()).isEqualTo("RUNNING"));

                Process incidents = hubwatch(home, "incidents", "--max", "1", "--timeout", "180s").start();
                String printed = new String(incidents.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(incidents.waitFor(190, TimeUnit.SECONDS)).isTrue();
                assertThat(incidents.exitValue()).as(printed).isZero();
                assertThat(printed).contains("\"ruleId\":\"cpu_seen\"", "\"status\":\"firing\"");
                phase("incident seen");
            } finally {
                up.toHandle().destroy(); // SIGTERM
                assertThat(up.waitFor(120, TimeUnit.SECONDS)).as("up stops (savepoints included) within two minutes").isTrue();
                reader.join(5_000);
                phase("up stopped");
            }
            assertThat(up.exitValue()).as("exit code after SIGTERM; output: %s", upOutput).isZero();
            synchronized (upOutput) {
                assertThat(upOutput).as("no stack traces on the terminal").noneMatch(l -> l.contains("Exception"));
            }
            assertThat(jobs(rest)).as("every job up submitted stopped with a savepoint").hasSize(3)
                    .allSatisfy(j -> assertThat(j.state()).isEqualTo("FINISHED"));
            for (String job : List.of("hubwatch-alert-job", "hubwatch-anomaly-job", "hubwatch-stats-job")) {
                Path record = home.resolve(".hubwatch/flink/cluster/" + job + "/savepoint");
                assertThat(record).as("the savepoint the next up --flink resumes from").exists();
                assertThat(Path.of(java.net.URI.create(Files.readString(record).trim())).resolve("_metadata")).exists();
            }
        }
    }

    private record Job(String id, String state) {}

    private static List<Job> jobs(FlinkRest rest) throws Exception {
        Matcher m = JOB.matcher(rest.get("jobs/overview"));
        List<Job> jobs = new ArrayList<>();
        while (m.find()) {
            jobs.add(new Job(m.group(1), m.group(2)));
        }
        return jobs;
    }
}

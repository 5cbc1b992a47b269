package io.hubwatch.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Hubwatch's Flink jobs (the three of the design and the Prometheus export job): the main class in the job jar, and where the build puts that jar. */
public enum HubwatchJob {
    ALERT("io.hubwatch.jobs.alerting.AlertJob"),
    ANOMALY("io.hubwatch.jobs.anomaly.AnomalyJob"),
    STATS("io.hubwatch.jobs.stats.BusinessStatsJob"),
    EXPORT("io.hubwatch.jobs.export.PrometheusExportJob");

    private final String mainClass;

    HubwatchJob(String mainClass) {
        this.mainClass = mainClass;
    }

    public String mainClass() {
        return mainClass;
    }

    /**
     * The shaded job jar a build of the project at {@code projectRoot} produced ({@code flink-jobs/target/*-job.jar}).
     *
     * @throws IllegalStateException when it has not been built
     */
    public static Path jobJar(Path projectRoot) {
        Path target = projectRoot.resolve("flink-jobs/target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches("flink-jobs-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no job jar in " + target
                            + ": build it with mvn -pl flink-jobs -am package"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.hubwatch.cluster;

import io.hubwatch.cluster.internal.ClusterFiles;
import io.hubwatch.cluster.internal.JavaProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A standalone Flink session cluster as two processes beside this one, started from the Maven artifacts exactly as
 * Flink's scripts would: {@code StandaloneSessionClusterEntrypoint} (the JobManager) and {@code TaskManagerRunner},
 * each with the generated {@code config.yaml} in {@code DIR/conf}, bound to 127.0.0.1. Logs go to {@code DIR/log},
 * checkpoints and savepoints under {@code DIR}, the process ids to {@code DIR/pids} so that another process can stop
 * the cluster ({@link #stop(Path)}).
 *
 * <pre>{@code
 * try (FlinkSessionCluster cluster = FlinkSessionCluster.start(Path.of(".hubwatch/cluster"), 4, Duration.ofMinutes(1))) {
 *     String jobId = cluster.cli().run(jobJar, "io.hubwatch.jobs.alerting.AlertJob", List.of("--kafka", bootstrap), null);
 * }
 * }</pre>
 */
public final class FlinkSessionCluster implements AutoCloseable {
    private final Path dir;
    private final int restPort;
    private final List<Process> processes;

    private FlinkSessionCluster(Path dir, int restPort, List<Process> processes) {
        this.dir = dir;
        this.restPort = restPort;
        this.processes = processes;
    }

    /**
     * Starts the JobManager and one TaskManager with {@code slots} slots, and returns once the TaskManager has
     * registered.
     *
     * @throws IllegalStateException with the log's tail if the cluster is not ready within {@code timeout}
     */
    public static FlinkSessionCluster start(Path dir, int slots, Duration timeout) {
        Path conf = dir.resolve("conf");
        int restPort = ClusterFiles.freePort();
        ClusterFiles.write(conf, ClusterFiles.sessionConfig(dir.toAbsolutePath(), ClusterFiles.freePort(), restPort, slots));
        List<Process> processes = new ArrayList<>();
        processes.add(JavaProcess.start(ClusterFiles.JOB_MANAGER_JVM,
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                List.of("--configDir", conf.toAbsolutePath().toString()), conf, dir.resolve("log/jobmanager.log"), Map.of()));
        FlinkSessionCluster cluster = new FlinkSessionCluster(dir, restPort, processes);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // the TaskManager starts once the JobManager answers: two JVMs starting at once on a busy machine can
            // miss Pekko's fixed 10 s remoting start-up limit; a TaskManager that still does is started again
            cluster.rest().awaitAnswer(Duration.ofNanos(deadline - System.nanoTime()), processes.get(0));
            for (int attempt = 1; ; attempt++) {
                Process tm = JavaProcess.start(ClusterFiles.TASK_MANAGER_JVM,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        List.of("--configDir", conf.toAbsolutePath().toString()), conf, dir.resolve("log/taskmanager.log"),
                        Map.of());
                processes.add(tm);
                Files.writeString(dir.resolve("pids"), processes.get(0).pid() + "\n" + tm.pid() + "\n");
                Files.writeString(dir.resolve("address"), cluster.address() + "\n");
                try {
                    cluster.rest().awaitSlots(slots, Duration.ofNanos(deadline - System.nanoTime()), processes);
                    break;
                } catch (IOException e) {
                    if (tm.isAlive() || !processes.get(0).isAlive() || attempt == 3) {
                        throw e;
                    }
                    processes.remove(tm); // it exited while starting: once more
                }
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw new IllegalStateException("the Flink cluster did not start: " + e.getMessage() + "\n--- jobmanager log tail\n"
                    + tail(dir.resolve("log/jobmanager.log")) + "\n--- taskmanager log tail\n"
                    + tail(dir.resolve("log/taskmanager.log")), e);
        }
        return cluster;
    }

    /** The REST address, {@code 127.0.0.1:PORT}: what {@code flink run} and the web UI use. */
    public String address() {
        return "127.0.0.1:" + restPort;
    }

    /** Flink's command-line client pointed at this cluster. */
    public FlinkCli cli() {
        return FlinkCli.forCluster(address(), dir.resolve("client"));
    }

    /** The cluster's REST API. */
    public FlinkRest rest() {
        return new FlinkRest("127.0.0.1", restPort);
    }

    public Path directory() {
        return dir;
    }

    /** Stops both processes (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            stopHandle(p.toHandle());
        }
        try {
            Files.deleteIfExists(dir.resolve("pids"));
            Files.deleteIfExists(dir.resolve("address"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The address of the cluster {@link #start started} in {@code dir} by any process, if it is still running. */
    public static Optional<String> running(Path dir) {
        try {
            if (!Files.exists(dir.resolve("pids")) || Files.readAllLines(dir.resolve("pids")).stream()
                    .map(pid -> ProcessHandle.of(Long.parseLong(pid.trim()))).noneMatch(h -> h.isPresent() && h.get().isAlive())) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(dir.resolve("address")).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops the cluster {@link #start started} in {@code dir} by another process, by the process ids it recorded.
     *
     * @return whether a running cluster was found there
     */
    public static boolean stop(Path dir) {
        Path pids = dir.resolve("pids");
        if (!Files.exists(pids)) {
            return false;
        }
        boolean found = false;
        try {
            for (String line : Files.readAllLines(pids)) {
                Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(line.trim()));
                if (h.isPresent() && h.get().isAlive()) {
                    found = true;
                    h.get().destroy();
                    stopHandle(h.get());
                }
            }
            Files.deleteIfExists(pids);
            Files.deleteIfExists(dir.resolve("address"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static void stopHandle(ProcessHandle h) {
        try {
            h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of("(no log)");
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

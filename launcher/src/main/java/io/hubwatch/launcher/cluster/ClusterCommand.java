package io.hubwatch.launcher.cluster;

import io.hubwatch.cluster.FlinkSessionCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code hubwatch cluster up|down}: a standalone Flink session cluster (JobManager and TaskManager processes on
 * 127.0.0.1) for submitting the job jar with {@code flink run} or {@code hubwatch up --flink}.
 *
 * <pre>{@code
 * bin/hubwatch cluster up        # READY flink=127.0.0.1:PORT
 * bin/hubwatch cluster down
 * }</pre>
 */
@Command(name = "cluster", description = "Start or stop a local standalone Flink session cluster.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class})
public final class ClusterCommand implements Runnable {

    static Path defaultDirectory() {
        return Path.of(System.getProperty("hubwatch.home", System.getProperty("user.dir")), ".hubwatch", "cluster");
    }

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "up", description = "Start the cluster (or report the running one) and print READY flink=HOST:PORT.")
    static final class Up implements Runnable {
        @Option(names = "--slots", defaultValue = "4", description = "task slots of the TaskManager (default: ${DEFAULT-VALUE})")
        int slots;

        @Option(names = "--dir", description = "state, logs, checkpoints and savepoints (default: .hubwatch/cluster)")
        Path dir;

        @Option(names = "--timeout", defaultValue = "120", description = "seconds to wait for the TaskManager (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Override
        public void run() {
            if (slots < 1 || slots > 64) {
                throw new IllegalArgumentException("--slots must be between 1 and 64, was " + slots);
            }
            Path where = dir != null ? dir : defaultDirectory();
            Optional<String> running = FlinkSessionCluster.running(where);
            if (running.isPresent()) {
                System.out.println("READY flink=" + running.get() + " (already running; logs in " + where.resolve("log") + ")");
                return;
            }
            // the processes outlive this command: `cluster down` stops them by the ids recorded in the directory
            FlinkSessionCluster cluster = FlinkSessionCluster.start(where, slots, Duration.ofSeconds(timeoutSeconds));
            System.out.println("READY flink=" + cluster.address());
        }
    }

    @Command(name = "down", description = "Stop the cluster started by `cluster up`.")
    static final class Down implements Runnable {
        @Option(names = "--dir", description = "the directory given to `cluster up` (default: .hubwatch/cluster)")
        Path dir;

        @Override
        public void run() {
            Path where = dir != null ? dir : defaultDirectory();
            System.out.println(FlinkSessionCluster.stop(where) ? "stopped the Flink cluster in " + where
                    : "no Flink cluster running in " + where);
        }
    }
}

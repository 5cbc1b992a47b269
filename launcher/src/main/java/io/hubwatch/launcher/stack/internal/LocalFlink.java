package io.hubwatch.launcher.stack.internal;

import io.hubwatch.cluster.FlinkRest;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One Flink MiniCluster in this JVM for every job {@code up} runs, every listener on 127.0.0.1 (its REST API has no
 * authentication: whoever reaches it can cancel jobs). Jobs are submitted and waited for through that REST API
 * ({@link JobStart}), as they would be on a real cluster, each with its state under {@code <state>/<job name>/}:
 * retained checkpoints, savepoints taken on stop, and the newest of them restored on the next start.
 *
 * <pre>{@code
 * try (LocalFlink flink = LocalFlink.start(Path.of(".hubwatch/flink"), metricsPort, 4)) {
 *     LocalFlink.Job alerts = flink.submit("hubwatch-alert-job", env -> AlertJob.wire(env, config, rules), out);
 *     ...
 *     alerts.stop();   // savepoint, then gone
 * }
 * }</pre>
 */
public final class LocalFlink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFlink.class);
    private static final String LOOPBACK = "127.0.0.1";
    /** From submission until every task runs; the two waits this replaced allowed 90 s and then 120 s. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

    private final MiniCluster cluster;
    private final URI rest;
    private final FlinkRest restClient;
    private final Path stateRoot;

    private LocalFlink(MiniCluster cluster, URI rest, Path stateRoot) {
        this.cluster = cluster;
        this.rest = rest;
        this.restClient = new FlinkRest(rest.getHost(), rest.getPort());
        this.stateRoot = stateRoot;
    }

    /**
     * @param stateRoot    where each job's checkpoints and savepoints go
     * @param metricsPort  the Prometheus reporter's port (on 127.0.0.1)
     * @param slots        task slots: the sum of the jobs' parallelism
     */
    public static LocalFlink start(Path stateRoot, int metricsPort, int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_PORT, "0");
        // how long the REST API caches a job's details (default 3 s): up waits for each job through them (JobStart)
        conf.set(WebOptions.REFRESH_INTERVAL, Duration.ofMillis(200));
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.setString("metrics.reporter.prom.factory.class", LoopbackPrometheusReporter.Factory.class.getName());
        conf.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        conf.setString("metrics.reporter.prom.host", LOOPBACK);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
        cluster.start();
        try {
            return new LocalFlink(cluster, cluster.getRestAddress().get(30, TimeUnit.SECONDS), stateRoot);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The REST API's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI restAddress() {
        return rest;
    }

    /**
     * Wires a job into a fresh environment and submits it, restored from its newest savepoint or retained checkpoint
     * when there is one; returns once it runs.
     */
    public Job submit(String name, int parallelism, Consumer<StreamExecutionEnvironment> wiring, PrintWriter out)
            throws Exception {
        Path dir = stateRoot.resolve(name);
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.createDirectories(dir.resolve("savepoints"));
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(RestOptions.ADDRESS, rest.getHost());
        conf.set(RestOptions.PORT, rest.getPort());
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        // on disk: the JobManager's in-memory storage caps state at 5 MB, which CEP outgrows quickly
        conf.setString("execution.checkpointing.storage", "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, dir.resolve("savepoints").toUri().toString());
        // kept when the process dies without a savepoint (SIGKILL, power loss): the next start restores from it
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        Optional<Path> restore = newestSnapshot(dir);
        if (restore.isPresent()) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.get().toUri().toString());
            // an operator removed in a newer version must not stop the rest of the state from being restored
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
            out.println("  " + name + ": restoring from " + restore.get());
            out.flush();
        }
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        wiring.accept(env);
        JobClient client = env.executeAsync(name);
        JobStart.await(name, JobStart.lookThrough(restClient, client.getJobID().toHexString()),
                () -> cancelQuietly(client), restore.map(Path::toString), dir, START_TIMEOUT);
        return new Job(name, client, dir);
    }

    /** The newest savepoint or retained checkpoint of the job (a directory holding {@code _metadata}). */
    static Optional<Path> newestSnapshot(Path jobDir) throws IOException {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(jobDir, 4)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .max(Comparator.comparingLong(LocalFlink::modified))
                    .map(Path::getParent);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }

    private static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("could not cancel {}: {}", job.getJobID(), e.toString());
        }
    }

    /** A submitted job. */
    public static final class Job {
        private final String name;
        private final JobClient client;
        private final Path dir;

        Job(String name, JobClient client, Path dir) {
            this.name = name;
            this.client = client;
            this.dir = dir;
        }

        /** Its status for the health endpoint, e.g. {@code RUNNING}. */
        public String status() {
            try {
                return client.getJobStatus().get(2, TimeUnit.SECONDS).name();
            } catch (Exception e) {
                return "unknown (" + e.getClass().getSimpleName() + ")";
            }
        }

        public JobClient client() {
            return client;
        }

        /**
         * Stops the job with a savepoint (its Kafka transactions committed, its state kept for the next start), then
         * removes the older snapshots. If the savepoint fails, the job is cancelled and its last retained checkpoint
         * is what the next start restores.
         */
        public void stop() throws Exception {
            try {
                String savepoint = client.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
                Path kept = Path.of(URI.create(savepoint.startsWith("file:") ? savepoint : "file:" + savepoint));
                LOG.info("{} stopped with savepoint {}", name, kept);
                removeAllBut(kept);
            } catch (Exception e) {
                LOG.warn("{}: no savepoint ({}); cancelling, the next start restores its last checkpoint", name, e.toString());
                client.cancel().get(20, TimeUnit.SECONDS);
            }
        }

        private void removeAllBut(Path kept) throws IOException {
            for (String sub : List.of("checkpoints", "savepoints")) {
                try (Stream<Path> children = Files.list(dir.resolve(sub))) {
                    for (Path child : children.toList()) {
                        if (!kept.startsWith(child.toAbsolutePath())) {
                            FileUtils.deleteFileOrDirectory(child.toFile());
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}

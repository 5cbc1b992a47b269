package io.hubwatch.launcher.stack.internal;

import io.hubwatch.cluster.ClusterSubmitter;
import io.hubwatch.cluster.FlinkRest;
import io.hubwatch.cluster.HubwatchJob;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code up --flink HOST:PORT}: the jobs submitted with Flink's own client ({@link ClusterSubmitter}) to a cluster
 * that runs without {@code up}, instead of the in-process MiniCluster. What {@code up} submitted, it stops again:
 * with a savepoint whose path is kept in {@code <state>/<job name>/savepoint} (the next {@code up --flink} resumes
 * from it), or by cancelling when the savepoint fails.
 *
 * <p>The client's configuration, logs and the savepoints go to {@code <state>/}: on a cluster on another machine the
 * savepoint directory must be a path the cluster can write as well (a shared mount).
 *
 * <pre>{@code
 * ClusterJobs flink = ClusterJobs.connect("127.0.0.1:8081", jobJar, state.resolve("flink/cluster"), Map.of());
 * ClusterJobs.Job alerts = flink.submit(HubwatchJob.ALERT, "hubwatch-alert-job", List.of("--kafka", bs), out);
 * alerts.stop();   // savepoint recorded, job FINISHED on the cluster
 * }</pre>
 */
public final class ClusterJobs {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterJobs.class);
    /** A loaded shared machine takes tens of seconds to deploy a job's tasks; beyond this something is wrong. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final ClusterSubmitter submitter;
    private final FlinkRest rest;
    private final Path stateRoot;

    private ClusterJobs(ClusterSubmitter submitter, FlinkRest rest, Path stateRoot) {
        this.submitter = submitter;
        this.rest = rest;
        this.stateRoot = stateRoot;
    }

    /**
     * @param environment variables for the jobs' mains (the JDBC password, say), never passed as arguments
     * @throws IllegalStateException when nothing answers at {@code address} as a Flink REST endpoint
     */
    public static ClusterJobs connect(String address, String host, int port, Path jobJar, Path stateRoot,
                                      Map<String, String> environment) throws IOException {
        FlinkRest rest = new FlinkRest(host, port);
        try {
            int slots = rest.slotsTotal();
            LOG.info("Flink cluster at {}: {} slots", address, slots);
        } catch (IOException e) {
            throw new IllegalStateException("--flink " + address + ": no Flink REST endpoint answers there ("
                    + e.getMessage() + "); start one with bin/hubwatch cluster up", e);
        }
        Files.createDirectories(stateRoot);
        return new ClusterJobs(ClusterSubmitter.to(address, jobJar, stateRoot.resolve("client"))
                .withEnvironment(environment), rest, stateRoot);
    }

    /**
     * Submits the job (from its last savepoint when {@code up} kept one) and returns once its tasks run. A job this
     * state directory recorded as submitted and that still runs (an {@code up} that was killed) is stopped first, so
     * the cluster never runs a job twice.
     */
    public Job submit(HubwatchJob job, String name, List<String> args, PrintWriter out) throws Exception {
        Path dir = stateRoot.resolve(name);
        Files.createDirectories(dir);
        Job previous = new Job(name, readLine(dir.resolve("job-id")), dir);
        if (previous.id != null && "RUNNING".equals(previous.status())) {
            out.println("  " + name + ": still running from an earlier start (" + previous.id + "); stopping it first");
            out.flush();
            previous.stop();
        }
        String savepoint = readLine(dir.resolve("savepoint"));
        Optional<String> restore = Optional.ofNullable(savepoint).filter(ClusterJobs::exists);
        String id;
        if (restore.isPresent()) {
            out.println("  " + name + ": resuming from " + savepoint);
            out.flush();
            id = submitter.resume(job, args, savepoint);
        } else {
            id = submitter.submit(job, args);
        }
        Files.writeString(dir.resolve("job-id"), id + "\n");
        out.println("  " + name + ": submitted to " + submitter.address() + " as " + id);
        out.flush();
        // an unreadable savepoint: cancelled, not left restarting on the cluster until its restart budget runs out
        JobStart.await(name, JobStart.lookThrough(rest, id), () -> cancelQuietly(id), restore, dir, START_TIMEOUT);
        return new Job(name, id, dir);
    }

    private void cancelQuietly(String id) {
        try {
            submitter.cancel(id);
        } catch (RuntimeException e) {
            LOG.warn("could not cancel {}: {}", id, e.toString());
        }
    }

    private static boolean exists(String savepoint) {
        // a savepoint on another file system (s3://, hdfs://) is the cluster's to judge
        if (!savepoint.startsWith("file:") && !savepoint.startsWith("/")) {
            return true;
        }
        Path p = savepoint.startsWith("file:") ? Path.of(URI.create(savepoint)) : Path.of(savepoint);
        return Files.exists(p.resolve("_metadata"));
    }

    private static String readLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String line = Files.readString(file).trim();
        return line.isEmpty() ? null : line;
    }

    /** A job {@code up} submitted. */
    public final class Job {
        private final String name;
        private final String id;
        private final Path dir;

        private Job(String name, String id, Path dir) {
            this.name = name;
            this.id = id;
            this.dir = dir;
        }

        public String id() {
            return id;
        }

        /** Its state on the cluster, e.g. {@code RUNNING}, for the health endpoint. */
        public String status() {
            try {
                return rest.jobState(id);
            } catch (IOException e) {
                return "unknown (" + e.getMessage() + ")";
            }
        }

        /**
         * Stops the job with a savepoint and records its path for the next start (removing the savepoint it
         * replaces); cancels the job when the savepoint fails, so that nothing {@code up} started keeps running.
         */
        public void stop() throws Exception {
            Path record = dir.resolve("savepoint");
            String before = readLine(record);
            try {
                String savepoint = submitter.stopWithSavepoint(id);
                Files.writeString(record, savepoint + "\n");
                LOG.info("{} ({}) stopped with savepoint {}", name, id, savepoint);
                if (before != null && !before.equals(savepoint) && before.startsWith("file:")) {
                    Path old = Path.of(URI.create(before));
                    if (old.startsWith(stateRoot.toAbsolutePath()) && Files.exists(old)) {
                        FileUtils.deleteDirectory(old.toFile());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("{} ({}): no savepoint ({}); cancelling it", name, id, e.getMessage());
                submitter.cancel(id);
            }
            Files.deleteIfExists(dir.resolve("job-id"));
        }
    }
}

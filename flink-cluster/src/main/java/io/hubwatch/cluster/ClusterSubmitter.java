package io.hubwatch.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Submits Hubwatch's jobs to a running Flink cluster (any session cluster reachable at its REST address) with Flink's
 * own client, as an operator would with {@code flink run}. Secrets travel as environment variables of the client
 * process, never as arguments.
 *
 * <pre>{@code
 * ClusterSubmitter flink = ClusterSubmitter.to("127.0.0.1:8081", HubwatchJob.jobJar(root), root.resolve(".hubwatch/flink-client"));
 * String alertJobId = flink.submit(HubwatchJob.ALERT, List.of("--kafka", "127.0.0.1:9092", "--rules", "rules.yaml"));
 * }</pre>
 */
public final class ClusterSubmitter {
    private final FlinkCli cli;
    private final Path jobJar;
    private final String address;

    private ClusterSubmitter(FlinkCli cli, Path jobJar, String address) {
        this.cli = cli;
        this.jobJar = jobJar;
        this.address = address;
    }

    /**
     * @param hostPort the cluster's REST address, {@code HOST:PORT}
     * @param workDir  where the client's configuration and logs go
     * @throws IllegalArgumentException when {@code hostPort} is not {@code HOST:PORT}
     */
    public static ClusterSubmitter to(String hostPort, Path jobJar, Path workDir) {
        return new ClusterSubmitter(FlinkCli.forCluster(hostPort, workDir), jobJar, hostPort);
    }

    /** The same submitter, passing these variables (e.g. {@code HUBWATCH_JDBC_PASSWORD}) to the jobs' mains. */
    public ClusterSubmitter withEnvironment(Map<String, String> variables) {
        return new ClusterSubmitter(cli.withEnvironment(variables), jobJar, address);
    }

    /**
     * Submits one job, detached; returns once the cluster has accepted it.
     *
     * @param args the job's options (see docs/flink-jobs.md)
     * @return the Flink job id
     * @throws IllegalStateException with the client's output when the cluster or the job's main refuses
     */
    public String submit(HubwatchJob job, List<String> args) {
        return cli.run(jobJar, job.mainClass(), args, null);
    }

    /** Submits one job starting from a savepoint (or a retained checkpoint). */
    public String resume(HubwatchJob job, List<String> args, String savepoint) {
        return cli.run(jobJar, job.mainClass(), args, savepoint);
    }

    /** Stops a job with a savepoint; returns the savepoint's path for {@link #resume}. */
    public String stopWithSavepoint(String jobId) {
        return cli.stopWithSavepoint(jobId);
    }

    /** Cancels a job without a savepoint (what to do when {@link #stopWithSavepoint} fails). */
    public void cancel(String jobId) {
        cli.cancel(jobId);
    }

    /** The cluster's REST address. */
    public String address() {
        return address;
    }
}

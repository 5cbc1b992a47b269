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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink's own command-line client ({@code org.apache.flink.client.cli.CliFrontend}, what {@code flink run} executes),
 * each call a process of its own with a client {@code config.yaml} naming the cluster's REST address.
 *
 * <pre>{@code
 * FlinkCli flink = FlinkCli.forCluster("127.0.0.1:8081", Path.of(".hubwatch/flink-client"));
 * String id = flink.run(jar, "io.hubwatch.jobs.alerting.AlertJob", List.of("--kafka", "kafka:9092"), null);
 * String savepoint = flink.stopWithSavepoint(id);
 * flink.run(jar, "io.hubwatch.jobs.alerting.AlertJob", List.of("--kafka", "kafka:9092"), savepoint);
 * }</pre>
 */
public final class FlinkCli {
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;
    private final Map<String, String> env;

    private FlinkCli(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /**
     * A client of the cluster whose REST endpoint is {@code hostPort}; its configuration and logs go to {@code dir}.
     *
     * @throws IllegalArgumentException when {@code hostPort} is not {@code HOST:PORT}
     */
    public static FlinkCli forCluster(String hostPort, Path dir) {
        int colon = hostPort.lastIndexOf(':');
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("the Flink address must be HOST:PORT (the REST endpoint), was '" + hostPort + "'");
        }
        ClusterFiles.write(dir.resolve("conf"), ClusterFiles.clientConfig(hostPort.substring(0, colon), port));
        return new FlinkCli(dir, Map.of());
    }

    /** The same client, with these environment variables for the submitted job's main (secrets, say). */
    public FlinkCli withEnvironment(Map<String, String> variables) {
        return new FlinkCli(dir, Map.copyOf(variables));
    }

    /**
     * {@code flink run -d [-s savepoint] -c mainClass jar args...}
     *
     * @param savepoint a savepoint (or retained checkpoint) to start from; null for a fresh start
     * @return the job id
     * @throws IllegalStateException with the client's output when the submission fails (bad options included)
     */
    public String run(Path jar, String mainClass, List<String> args, String savepoint) {
        List<String> cli = new ArrayList<>(List.of("run", "--detached"));
        if (savepoint != null) {
            cli.addAll(List.of("--fromSavepoint", savepoint));
        }
        cli.addAll(List.of("--class", mainClass, jar.toAbsolutePath().toString()));
        cli.addAll(args);
        return find(SUBMITTED, call(cli), "run " + mainClass);
    }

    /** {@code flink stop --savepointPath DIR/savepoints JOB}: drains nothing, takes a savepoint, stops; its path. */
    public String stopWithSavepoint(String jobId) {
        return find(SAVEPOINT, call(List.of("stop", "--savepointPath", dir.resolve("savepoints").toAbsolutePath().toUri()
                .toString(), jobId)), "stop " + jobId);
    }

    /** {@code flink cancel JOB}. */
    public void cancel(String jobId) {
        call(List.of("cancel", jobId));
    }

    private String call(List<String> args) {
        Path log = dir.resolve("log/client-" + System.nanoTime() + ".log");
        Process p = JavaProcess.start(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "org.apache.flink.client.cli.CliFrontend", args, dir.resolve("conf"), log, env);
        Path out = log.resolveSibling(log.getFileName() + ".out");
        try {
            if (!p.waitFor(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("flink " + args.get(0) + " did not finish within " + CALL_TIMEOUT);
            }
            String output = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("flink " + String.join(" ", args.subList(0, Math.min(args.size(), 4)))
                        + " failed (exit " + p.exitValue() + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String find(Pattern pattern, String output, String what) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("flink " + what + ": unexpected output:\n" + output);
        }
        return m.group(1);
    }
}

package io.hubwatch.launcher.stack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubwatch.cluster.FlinkRest;
import org.apache.flink.api.common.JobStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * How {@code up} waits for a job it submitted, to its own MiniCluster or to a cluster: through the job's REST API, until
 * every task runs, having read its state back when restored. READY then means the jobs process data (a stop right after
 * it finds every task able to take a savepoint).
 *
 * <p>A snapshot this version cannot read (an upgrade changed the job's state) fails every attempt the same way, so
 * without this check the job would restart over and over behind a READY line; instead {@code up} cancels it and stops
 * with what failed and what to do:
 * <pre>{@code
 * JobStart.await("hubwatch-alert-job", JobStart.lookThrough(rest, jobId), () -> cancel(jobId),
 *         Optional.of(savepoint), stateDir, Duration.ofSeconds(150));
 * }</pre>
 *
 * <p>It judges by the job's last failure as well as by its status. A job whose restore fails is RUNNING only from each
 * redeployment to its failure (briefly; not measured) and RESTARTING in between, for a backoff that grows to a minute: a
 * wait for the status RUNNING missed every one of those windows on a loaded CI machine and reported "did not start
 * within 90 s". The failure stays in the job's exception history through the restarts.
 */
final class JobStart {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a failure to read state back says: a serializer or schema mismatch, a missing operator or class. */
    private static final List<String> RESTORE_FAILURES = List.of("StateMigrationException",
            "StreamOperatorStateContext", "incompatible", "Failed to rollback to checkpoint/savepoint");
    private static final List<String> STARTED_TASK_STATES = List.of("RUNNING", "FINISHED");

    private JobStart() {
    }

    /**
     * One look at a starting job.
     *
     * @param failure         its last failure in one line ({@code StateMigrationException: The new state ...}), null if
     *                        none
     * @param restoreFailure  whether that failure came from reading state back
     * @param allTasksRunning whether every task runs or has finished
     */
    record Look(JobStatus status, String failure, boolean restoreFailure, boolean allTasksRunning) {
    }

    /** Looks at a job through a Flink REST API: {@code /jobs/<id>} and, once it has failed, its exception history. */
    static Callable<Look> lookThrough(FlinkRest rest, String jobId) {
        return () -> {
            JsonNode job = JSON.readTree(rest.get("jobs/" + jobId));
            JobStatus status = JobStatus.valueOf(job.path("state").asText());
            boolean allRunning = job.path("vertices").size() > 0;
            for (JsonNode vertex : job.path("vertices")) {
                allRunning &= STARTED_TASK_STATES.contains(vertex.path("status").asText());
            }
            // a job that never failed has no history to read; one that fails now has, whatever its status just said
            boolean mayHaveFailed = status != JobStatus.RUNNING || !allRunning;
            return look(status, allRunning, mayHaveFailed ? rest.get("jobs/" + jobId + "/exceptions") : null);
        };
    }

    /** A look from the job's status, its tasks and its {@code /exceptions} answer (null: not read). */
    static Look look(JobStatus status, boolean allTasksRunning, String exceptionsJson) throws IOException {
        String trace = null;
        long newest = Long.MIN_VALUE;
        if (exceptionsJson != null) {
            for (JsonNode entry : JSON.readTree(exceptionsJson).path("exceptionHistory").path("entries")) {
                if (entry.path("timestamp").asLong() >= newest) {
                    newest = entry.path("timestamp").asLong();
                    trace = entry.path("stacktrace").asText(null);
                }
            }
        }
        if (trace == null) {
            return new Look(status, null, false, allTasksRunning);
        }
        boolean restoreFailure = false;
        for (String marker : RESTORE_FAILURES) {
            restoreFailure |= trace.contains(marker);
        }
        return new Look(status, rootCause(trace), restoreFailure, allTasksRunning);
    }

    /**
     * The innermost cause of a printed stack trace in one line, its class without the package:
     * {@code StateMigrationException: The new state serializer ...}.
     */
    static String rootCause(String trace) {
        String cause = trace.lines().findFirst().orElse("");
        for (String line : trace.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        int colon = cause.indexOf(": ");
        String type = colon < 0 ? cause : cause.substring(0, colon);
        String message = colon < 0 ? "" : cause.substring(colon);
        return type.substring(type.lastIndexOf('.') + 1) + message;
    }

    /**
     * Waits until the job runs with every task running; throws, having cancelled the job where it would otherwise keep
     * restarting, when it cannot: its state unreadable, the job ended, or the timeout passed.
     *
     * @param snapshot what the job was restored from, if anything
     * @param jobDir   where {@code up} keeps the job's state: moving it away starts the job without it
     */
    static void await(String name, Callable<Look> looks, Runnable cancel, Optional<String> snapshot, Path jobDir,
                      Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "its tasks did not all start within " + timeout.toSeconds() + " s";
        while (System.nanoTime() < deadline) {
            Look look;
            try {
                look = looks.call();
            } catch (IOException | RuntimeException e) { // not yet known to the dispatcher, or a slow answer: again
                lastProblem = "its state could not be read: " + e.getMessage();
                Thread.sleep(100);
                continue;
            }
            if (look.failure() != null) {
                lastProblem = look.failure();
                if (snapshot.isPresent() && look.restoreFailure()) {
                    cancel.run();
                    throw new IllegalStateException(unrestorable(name, snapshot.get(), jobDir, lastProblem));
                }
            }
            if (look.status().isGloballyTerminalState()) {
                throw new IllegalStateException(name + " stopped while starting: " + look.status()
                        + (look.failure() == null ? "" : " (" + lastProblem + ")"));
            }
            if (look.status() == JobStatus.RUNNING && look.allTasksRunning()) {
                return;
            }
            Thread.sleep(100);
        }
        cancel.run();
        throw snapshot.isPresent()
                ? new IllegalStateException(unrestorable(name, snapshot.get(), jobDir, lastProblem))
                : new IllegalStateException(name + " did not start: " + lastProblem);
    }

    static String unrestorable(String name, String snapshot, Path jobDir, String problem) {
        return name + " could not be restored from " + snapshot + ": " + problem + ". This happens when a newer "
                + "Hubwatch changed the job's state. To start it without its saved state (open episodes and "
                + "duration counters are lost; Kafka's data is kept) move " + jobDir + " away, or start with "
                + "`bin/hubwatch up --fresh` to discard all kept state.";
    }
}

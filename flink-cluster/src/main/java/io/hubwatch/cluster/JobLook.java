package io.hubwatch.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobStatus;

import java.io.IOException;
import java.util.List;

/**
 * One look at a job through a Flink REST API ({@link FlinkRest#look}): its status, whether every task has started, and
 * its last failure in one line. The one judge of "this job has started" for everything that starts jobs
 * ({@code up}, on its own MiniCluster or a cluster, and {@link FlinkRest#awaitRunning}).
 *
 * <pre>{@code
 * JobLook look = rest.look(jobId);
 * if (look.started()) { ... }                       // RUNNING, every task running
 * if (look.restoreFailure()) { ... look.failure() } // "StateMigrationException: The new state serializer ..."
 * }</pre>
 *
 * <p>Why the failure as well as the status: a job whose restore fails is RUNNING only from each redeployment to its
 * failure and RESTARTING in between, for a backoff that grows to a minute, so a wait for the status alone can miss
 * every RUNNING window and time out without saying why. The failure stays in the job's exception history through the
 * restarts.
 *
 * @param failure         the last failure's innermost cause in one line, its class without the package; null if none
 * @param restoreFailure  whether that failure came from reading state back (a serializer or schema mismatch, a missing
 *                        operator or class)
 * @param allTasksRunning whether every task runs or has finished
 */
public record JobLook(JobStatus status, String failure, boolean restoreFailure, boolean allTasksRunning) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RESTORE_FAILURES = List.of("StateMigrationException",
            "StreamOperatorStateContext", "incompatible", "Failed to rollback to checkpoint/savepoint");
    private static final List<String> STARTED_TASK_STATES = List.of("RUNNING", "FINISHED");

    /** RUNNING with every task running: its sources read, and it can take a savepoint. */
    public boolean started() {
        return status == JobStatus.RUNNING && allTasksRunning;
    }

    /** Reads {@code /jobs/<id>} and, unless the job has plainly started, its exception history. */
    static JobLook read(FlinkRest rest, String jobId) throws IOException {
        JsonNode job = JSON.readTree(rest.get("jobs/" + jobId));
        JobStatus status = status(job, jobId);
        boolean allRunning = job.path("vertices").size() > 0;
        for (JsonNode vertex : job.path("vertices")) {
            allRunning &= STARTED_TASK_STATES.contains(vertex.path("status").asText());
        }
        // a job that never failed has no history to read; one that fails now has, whatever its status just said
        boolean mayHaveFailed = status != JobStatus.RUNNING || !allRunning;
        return of(status, allRunning, mayHaveFailed ? rest.get("jobs/" + jobId + "/exceptions") : null);
    }

    /** The job's status in a {@code /jobs/<id>} answer; an answer without one is refused as unreadable. */
    static JobStatus status(JsonNode job, String jobId) throws IOException {
        String state = job.path("state").asText();
        try {
            return JobStatus.valueOf(state);
        } catch (IllegalArgumentException e) {
            throw new IOException("GET jobs/" + jobId + ": no job state in the answer (\"" + state + "\")");
        }
    }

    /** The job's status, read from {@code /jobs/<id>}. */
    static JobStatus status(FlinkRest rest, String jobId) throws IOException {
        return status(JSON.readTree(rest.get("jobs/" + jobId)), jobId);
    }

    /** A look from the job's status, its tasks and its {@code /exceptions} answer (null: not read). */
    public static JobLook of(JobStatus status, boolean allTasksRunning, String exceptionsJson) throws IOException {
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
            return new JobLook(status, null, false, allTasksRunning);
        }
        boolean restoreFailure = false;
        for (String marker : RESTORE_FAILURES) {
            restoreFailure |= trace.contains(marker);
        }
        return new JobLook(status, rootCause(trace), restoreFailure, allTasksRunning);
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
}

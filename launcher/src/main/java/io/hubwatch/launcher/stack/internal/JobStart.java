package io.hubwatch.launcher.stack.internal;

import io.hubwatch.cluster.FlinkRest;
import io.hubwatch.cluster.JobLook;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
 * <p>It judges by {@link JobLook}: the job's last failure as well as its status. A job whose restore fails is RUNNING
 * only from each redeployment to its failure (briefly; not measured) and RESTARTING in between, for a backoff that
 * grows to a minute: a wait for the status RUNNING missed every one of those windows on a loaded CI machine and
 * reported "did not start within 90 s". The failure stays in the job's exception history through the restarts.
 */
final class JobStart {
    private JobStart() {
    }

    /** Looks at a job through a Flink REST API ({@link JobLook}: status, tasks, last failure). */
    static Callable<JobLook> lookThrough(FlinkRest rest, String jobId) {
        return () -> rest.look(jobId);
    }

    /**
     * Waits until the job runs with every task running; throws, having cancelled the job where it would otherwise keep
     * restarting, when it cannot: its state unreadable, the job ended, or the timeout passed.
     *
     * @param snapshot what the job was restored from, if anything
     * @param jobDir   where {@code up} keeps the job's state: moving it away starts the job without it
     */
    static void await(String name, Callable<JobLook> looks, Runnable cancel, Optional<String> snapshot, Path jobDir,
                      Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "its tasks did not all start within " + timeout.toSeconds() + " s";
        while (System.nanoTime() < deadline) {
            JobLook look;
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
            if (look.started()) {
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

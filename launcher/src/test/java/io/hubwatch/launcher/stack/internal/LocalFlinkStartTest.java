package io.hubwatch.launcher.stack.internal;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobType;
import org.apache.flink.util.SerializedThrowable;
import org.apache.flink.util.StateMigrationException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How {@code up} waits for a submitted job, driven by the execution graphs a test hands it: what it concludes from
 * each look, whatever the moment the look falls on.
 */
class LocalFlinkStartTest {
    private static final Path JOB_DIR = Path.of("/state/restore-test");
    private static final Optional<Path> SNAPSHOT = Optional.of(JOB_DIR.resolve("savepoints/savepoint-1"));
    private final AtomicInteger cancelled = new AtomicInteger();

    @Test
    void aRestoreFailureSeenWhileTheJobWaitsToRestartStopsTheWaitWithWhatToDo() {
        // every look falls between two attempts: the short RUNNING windows of a failing restore are never seen
        Callable<LocalFlink.Look> looks = looks(
                new LocalFlink.Look(JobStatus.INITIALIZING, null, false),
                new LocalFlink.Look(JobStatus.RESTARTING, restoreFailure(), false));

        assertThatThrownBy(() -> LocalFlink.awaitStarted("restore-test", looks, cancelled::incrementAndGet, SNAPSHOT,
                JOB_DIR, Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("restore-test could not be restored from " + SNAPSHOT.get())
                .hasMessageContaining("StateMigrationException")
                .hasMessageContaining("move " + JOB_DIR + " away")
                .hasMessageContaining("--fresh");
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void aJobThatEndsWhileStartingSaysHowAndWhy() {
        // as the cluster reports it: the job's failed graph, its cause serialized
        Callable<LocalFlink.Look> looks = looks(LocalFlink.Look.at(ArchivedExecutionGraph
                .createSparseArchivedExecutionGraph(new JobID(), "job", JobStatus.FAILED, JobType.STREAMING,
                        new IllegalArgumentException("no topic named 'metrics'"), null, 0L)));

        assertThatThrownBy(() -> LocalFlink.awaitStarted("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMinutes(5)))
                .hasMessage("hubwatch-alert-job stopped while starting: FAILED "
                        + "(IllegalArgumentException: no topic named 'metrics')");
    }

    @Test
    void aJobThatKeepsFailingForAnotherReasonIsCancelledAtTheDeadlineWithTheLastFailure() {
        Callable<LocalFlink.Look> looks = looks(new LocalFlink.Look(JobStatus.RESTARTING,
                new SerializedThrowable(new IllegalStateException("broker 127.0.0.1:9092 unreachable")), false));

        assertThatThrownBy(() -> LocalFlink.awaitStarted("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMillis(300)))
                .hasMessage("hubwatch-alert-job did not start: IllegalStateException: broker 127.0.0.1:9092 unreachable");
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void aJobTheClusterCannotDescribeIsCancelledAtTheDeadlineSayingSo() {
        Callable<LocalFlink.Look> looks = () -> {
            throw new IllegalStateException("job not found");
        };

        assertThatThrownBy(() -> LocalFlink.awaitStarted("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMillis(300)))
                .hasMessage("hubwatch-alert-job did not start: its state could not be read: "
                        + "IllegalStateException: job not found");
        assertThat(cancelled).hasValue(1);
    }

    /** The given looks, one at a time; the last one from then on. */
    private static Callable<LocalFlink.Look> looks(LocalFlink.Look... given) {
        ArrayDeque<LocalFlink.Look> queue = new ArrayDeque<>(List.of(given));
        return () -> queue.size() > 1 ? queue.poll() : queue.peek();
    }

    private static Throwable restoreFailure() {
        return new SerializedThrowable(new Exception("Exception while creating StreamOperatorStateContext.",
                new StateMigrationException("The new state serializer (LongSerializer) must not be incompatible "
                        + "with the old state serializer (StringSerializer).")));
    }
}

package io.hubwatch.launcher.stack.internal;

import io.hubwatch.cluster.JobLook;
import org.apache.flink.api.common.JobStatus;
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
 * How {@code up} waits for a job it submitted, driven by the looks a test hands it: what it concludes from each, whatever
 * the moment the look falls on. How a look is read from Flink's REST answers: {@code JobLookTest}.
 */
class JobStartTest {
    private static final Path JOB_DIR = Path.of("/state/restore-test");
    private static final Optional<String> SNAPSHOT = Optional.of("/state/restore-test/savepoints/savepoint-1");

    private final AtomicInteger cancelled = new AtomicInteger();

    @Test
    void aRestoreFailureSeenWhileTheJobWaitsToRestartStopsTheWaitWithWhatToDo() {
        // every look falls between two attempts: the short RUNNING windows of a failing restore are never seen
        Callable<JobLook> looks = looks(
                new JobLook(JobStatus.INITIALIZING, null, false, false),
                new JobLook(JobStatus.RESTARTING, "StateMigrationException: The new state serializer", true,
                        false));

        assertThatThrownBy(() -> JobStart.await("restore-test", looks, cancelled::incrementAndGet, SNAPSHOT, JOB_DIR,
                Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("restore-test could not be restored from " + SNAPSHOT.get()
                        + ": StateMigrationException: The new state serializer")
                .hasMessageContaining("move " + JOB_DIR + " away")
                .hasMessageContaining("--fresh");
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void aJobThatEndsWhileStartingSaysHowAndWhy() {
        Callable<JobLook> looks = looks(new JobLook(JobStatus.FAILED,
                "IllegalArgumentException: no topic named 'metrics'", false, false));

        assertThatThrownBy(() -> JobStart.await("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMinutes(5)))
                .hasMessage("hubwatch-alert-job stopped while starting: FAILED "
                        + "(IllegalArgumentException: no topic named 'metrics')");
    }

    @Test
    void aJobThatKeepsFailingForAnotherReasonIsCancelledAtTheDeadlineWithTheLastFailure() {
        Callable<JobLook> looks = looks(new JobLook(JobStatus.RESTARTING,
                "IllegalStateException: broker 127.0.0.1:9092 unreachable", false, false));

        assertThatThrownBy(() -> JobStart.await("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMillis(300)))
                .hasMessage("hubwatch-alert-job did not start: IllegalStateException: broker 127.0.0.1:9092 unreachable");
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void aJobTheClusterCannotDescribeIsCancelledAtTheDeadlineSayingSo() {
        Callable<JobLook> looks = () -> {
            throw new java.io.IOException("GET jobs/abc: HTTP 404 {\"errors\":[\"Job abc not found\"]}");
        };

        assertThatThrownBy(() -> JobStart.await("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMillis(300)))
                .hasMessage("hubwatch-alert-job did not start: its state could not be read: "
                        + "GET jobs/abc: HTTP 404 {\"errors\":[\"Job abc not found\"]}");
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void aJobWhoseTasksAllRunIsStarted() throws Exception {
        Callable<JobLook> looks = looks(
                new JobLook(JobStatus.RUNNING, null, false, false),
                new JobLook(JobStatus.RUNNING, null, false, true));

        JobStart.await("hubwatch-alert-job", looks, cancelled::incrementAndGet, Optional.empty(), JOB_DIR,
                Duration.ofMinutes(5));

        assertThat(cancelled).hasValue(0);
    }

    /** The given looks, one at a time; the last one from then on. */
    private static Callable<JobLook> looks(JobLook... given) {
        ArrayDeque<JobLook> queue = new ArrayDeque<>(List.of(given));
        return () -> queue.size() > 1 ? queue.poll() : queue.peek();
    }
}

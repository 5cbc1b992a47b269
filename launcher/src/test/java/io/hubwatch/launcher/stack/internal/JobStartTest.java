package io.hubwatch.launcher.stack.internal;

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
 * the moment the look falls on; and how it reads a look from Flink's REST answers.
 */
class JobStartTest {
    private static final Path JOB_DIR = Path.of("/state/restore-test");
    private static final Optional<String> SNAPSHOT = Optional.of("/state/restore-test/savepoints/savepoint-1");
    /** As Flink's REST API prints a failed restore in {@code /jobs/<id>/exceptions}, shortened. */
    private static final String RESTORE_TRACE = """
            java.lang.Exception: Exception while creating StreamOperatorStateContext.
            \tat org.apache.flink.streaming.api.operators.StreamTaskStateInitializerImpl.streamOperatorStateContext(StreamTaskStateInitializerImpl.java:330)
            \tat org.apache.flink.runtime.taskmanager.Task.run(Task.java:569)
            Caused by: org.apache.flink.util.FlinkException: Could not restore keyed state backend for KeyedProcessOperator_1.
            \t... 12 more
            Caused by: org.apache.flink.util.StateMigrationException: The new state serializer (LongSerializer) must not be incompatible with the old state serializer (StringSerializer).
            \tat org.apache.flink.runtime.state.heap.HeapRestoreOperation.restore(HeapRestoreOperation.java:150)
            """;

    private final AtomicInteger cancelled = new AtomicInteger();

    @Test
    void aRestoreFailureSeenWhileTheJobWaitsToRestartStopsTheWaitWithWhatToDo() {
        // every look falls between two attempts: the short RUNNING windows of a failing restore are never seen
        Callable<JobStart.Look> looks = looks(
                new JobStart.Look(JobStatus.INITIALIZING, null, false, false),
                new JobStart.Look(JobStatus.RESTARTING, "StateMigrationException: The new state serializer", true,
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
        Callable<JobStart.Look> looks = looks(new JobStart.Look(JobStatus.FAILED,
                "IllegalArgumentException: no topic named 'metrics'", false, false));

        assertThatThrownBy(() -> JobStart.await("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMinutes(5)))
                .hasMessage("hubwatch-alert-job stopped while starting: FAILED "
                        + "(IllegalArgumentException: no topic named 'metrics')");
    }

    @Test
    void aJobThatKeepsFailingForAnotherReasonIsCancelledAtTheDeadlineWithTheLastFailure() {
        Callable<JobStart.Look> looks = looks(new JobStart.Look(JobStatus.RESTARTING,
                "IllegalStateException: broker 127.0.0.1:9092 unreachable", false, false));

        assertThatThrownBy(() -> JobStart.await("hubwatch-alert-job", looks, cancelled::incrementAndGet,
                Optional.empty(), JOB_DIR, Duration.ofMillis(300)))
                .hasMessage("hubwatch-alert-job did not start: IllegalStateException: broker 127.0.0.1:9092 unreachable");
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void aJobTheClusterCannotDescribeIsCancelledAtTheDeadlineSayingSo() {
        Callable<JobStart.Look> looks = () -> {
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
        Callable<JobStart.Look> looks = looks(
                new JobStart.Look(JobStatus.RUNNING, null, false, false),
                new JobStart.Look(JobStatus.RUNNING, null, false, true));

        JobStart.await("hubwatch-alert-job", looks, cancelled::incrementAndGet, Optional.empty(), JOB_DIR,
                Duration.ofMinutes(5));

        assertThat(cancelled).hasValue(0);
    }

    @Test
    void theNewestEntryOfTheExceptionHistoryIsTheFailureInOneLine() throws Exception {
        String exceptions = """
                {"exceptionHistory":{"entries":[
                  {"exceptionName":"java.lang.IllegalStateException","stacktrace":"java.lang.IllegalStateException: an older failure\\n\\tat x.y(Z.java:1)\\n","timestamp":1000},
                  {"exceptionName":"java.lang.Exception","stacktrace":%s,"timestamp":2000}
                ],"truncated":false}}""".formatted(quoted(RESTORE_TRACE));

        JobStart.Look look = JobStart.look(JobStatus.RESTARTING, false, exceptions);

        assertThat(look.failure()).isEqualTo("StateMigrationException: The new state serializer (LongSerializer) "
                + "must not be incompatible with the old state serializer (StringSerializer).");
        assertThat(look.restoreFailure()).isTrue();
        assertThat(look.status()).isEqualTo(JobStatus.RESTARTING);
    }

    @Test
    void aFailureOutsideTheRestoreIsNotTakenForOne() throws Exception {
        String exceptions = """
                {"exceptionHistory":{"entries":[{"exceptionName":"org.apache.kafka.common.errors.TimeoutException",
                "stacktrace":"org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.\\n\\tat a.b(C.java:1)\\n",
                "timestamp":1000}],"truncated":false}}""";

        JobStart.Look look = JobStart.look(JobStatus.RESTARTING, false, exceptions);

        assertThat(look.failure()).isEqualTo("TimeoutException: Timed out waiting for a node assignment.");
        assertThat(look.restoreFailure()).isFalse();
        assertThat(JobStart.look(JobStatus.RUNNING, true, "{\"exceptionHistory\":{\"entries\":[],\"truncated\":false}}"))
                .isEqualTo(new JobStart.Look(JobStatus.RUNNING, null, false, true));
    }

    /** The given looks, one at a time; the last one from then on. */
    private static Callable<JobStart.Look> looks(JobStart.Look... given) {
        ArrayDeque<JobStart.Look> queue = new ArrayDeque<>(List.of(given));
        return () -> queue.size() > 1 ? queue.poll() : queue.peek();
    }

    private static String quoted(String text) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    }
}

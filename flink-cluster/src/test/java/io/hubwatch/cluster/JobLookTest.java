package io.hubwatch.cluster;

import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a look at a job is read from Flink's REST answers: its last failure in one line, and whether a restore failed. */
class JobLookTest {
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

    @Test
    void theNewestEntryOfTheExceptionHistoryIsTheFailureInOneLine() throws Exception {
        String exceptions = """
                {"exceptionHistory":{"entries":[
                  {"exceptionName":"java.lang.IllegalStateException","stacktrace":"java.lang.IllegalStateException: an older failure\\n\\tat x.y(Z.java:1)\\n","timestamp":1000},
                  {"exceptionName":"java.lang.Exception","stacktrace":%s,"timestamp":2000}
                ],"truncated":false}}""".formatted(quoted(RESTORE_TRACE));

        JobLook look = JobLook.of(JobStatus.RESTARTING, false, exceptions);

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

        JobLook look = JobLook.of(JobStatus.RESTARTING, false, exceptions);

        assertThat(look.failure()).isEqualTo("TimeoutException: Timed out waiting for a node assignment.");
        assertThat(look.restoreFailure()).isFalse();
        assertThat(JobLook.of(JobStatus.RUNNING, true, "{\"exceptionHistory\":{\"entries\":[],\"truncated\":false}}"))
                .isEqualTo(new JobLook(JobStatus.RUNNING, null, false, true));
    }

    @Test
    void aJobHasStartedWhenItRunsWithEveryTask() {
        assertThat(new JobLook(JobStatus.RUNNING, null, false, true).started()).isTrue();
        assertThat(new JobLook(JobStatus.RUNNING, null, false, false).started()).as("tasks still deploying").isFalse();
        assertThat(new JobLook(JobStatus.RESTARTING, null, false, true).started()).isFalse();
    }

    private static String quoted(String text) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    }
}

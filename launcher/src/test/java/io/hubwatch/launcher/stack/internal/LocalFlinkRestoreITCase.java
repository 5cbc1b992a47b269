package io.hubwatch.launcher.stack.internal;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@code up} does with a job whose saved state this version cannot read (an upgrade changed the type of its
 * state): it stops with a message naming the job, the snapshot and what to do, instead of printing READY while the
 * job fails and restarts behind it. A compatible snapshot is restored as before.
 */
class LocalFlinkRestoreITCase {

    /** The same operator (uid {@code counter}) in two versions: its keyed state a String, then a Long. */
    private static Consumer<StreamExecutionEnvironment> job(boolean stateIsText) {
        return env -> {
            env.enableCheckpointing(500);
            env.fromSequence(0, Long.MAX_VALUE).name("numbers").uid("numbers")
                    .map(new Slow()).name("slow").uid("slow")
                    .keyBy(new ByTen())
                    .process(stateIsText ? new CountsAsText() : new CountsAsNumber()).name("counter").uid("counter")
                    .sinkTo(new DiscardingSink<>()).name("discard").uid("discard");
        };
    }

    @Test
    void aSnapshotThisVersionCannotReadStopsUpWithWhatToDoAndACompatibleOneIsRestored(@TempDir Path state)
            throws Exception {
        StringWriter printed = new StringWriter();
        PrintWriter out = new PrintWriter(printed, true);
        try (LocalFlink flink = LocalFlink.start(state, freePort(), 2)) {
            LocalFlink.Job first = flink.submit("restore-test", 1, job(true), out);
            Thread.sleep(500); // a few elements into the state (submit returns once every task runs)
            first.stop();
            assertThat(LocalFlink.newestSnapshot(state.resolve("restore-test"))).isPresent();

            LocalFlink.Job same = flink.submit("restore-test", 1, job(true), out);
            assertThat(same.status()).isEqualTo("RUNNING");
            same.stop();

            assertThatThrownBy(() -> flink.submit("restore-test", 1, job(false), out))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("restore-test could not be restored from " + state.resolve("restore-test"))
                    // the cause, read from the job's exception history through the REST API as on a cluster
                    .hasMessageContaining(": StateMigrationException: ")
                    .hasMessageContaining("move " + state.resolve("restore-test") + " away")
                    .hasMessageContaining("--fresh");
        }
        assertThat(printed.toString()).contains("restore-test: restoring from");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static final class Slow implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) throws Exception {
            Thread.sleep(1);
            return value;
        }
    }

    static final class ByTen implements KeySelector<Long, Long> {
        @Override
        public Long getKey(Long value) {
            return value % 10;
        }
    }

    static final class CountsAsText extends KeyedProcessFunction<Long, Long, Long> {
        private transient ValueState<String> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.STRING));
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
            String c = count.value();
            count.update(Long.toString(c == null ? 1 : Long.parseLong(c) + 1));
            out.collect(value);
        }
    }

    static final class CountsAsNumber extends KeyedProcessFunction<Long, Long, Long> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
            Long c = count.value();
            count.update(c == null ? 1 : c + 1);
            out.collect(value);
        }
    }
}

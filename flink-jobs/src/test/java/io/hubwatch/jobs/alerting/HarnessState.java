package io.hubwatch.jobs.alerting;

import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Keyed state entries of a harness' operator (the broadcast harness does not count them itself). */
final class HarnessState {
    private HarnessState() {}

    static int keyedEntries(AbstractStreamOperatorTestHarness<?> harness) {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }
}

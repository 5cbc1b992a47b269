package io.hubwatch.dbproxy.internal;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one pool, read by the metrics endpoint from another thread. */
final class PoolStats {
    final LongAdder waits = new LongAdder();
    final LongAdder waitNanos = new LongAdder();
    final LongAdder waitTimeouts = new LongAdder();
    final LongAdder busyNanos = new LongAdder();
    final LongAdder transactions = new LongAdder();
    final LongAdder queries = new LongAdder();
    final LongAdder failovers = new LongAdder();
}

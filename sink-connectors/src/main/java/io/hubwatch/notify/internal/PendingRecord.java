package io.hubwatch.notify.internal;

import org.apache.kafka.common.TopicPartition;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One consumed incident record that is not yet handled. It may feed several groups (routes with {@code continue});
 * it is done when every one of them has delivered or dead-lettered it.
 */
public final class PendingRecord {
    private final TopicPartition partition;
    private final long offset;
    private final AtomicInteger remaining = new AtomicInteger();

    public PendingRecord(TopicPartition partition, long offset) {
        this.partition = partition;
        this.offset = offset;
    }

    public TopicPartition partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    void expect(int groups) {
        remaining.addAndGet(groups);
    }

    /** @return true when this was the last group waiting for the record */
    boolean release() {
        return remaining.decrementAndGet() == 0;
    }
}

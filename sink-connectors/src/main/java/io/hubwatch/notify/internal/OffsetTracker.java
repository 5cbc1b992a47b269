package io.hubwatch.notify.internal;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which offsets may be committed: per partition, the lowest offset still pending, or one past the highest seen when
 * nothing is pending. So an offset is committed only after every record before it was delivered or dead-lettered.
 */
public final class OffsetTracker {
    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    public synchronized void seen(TopicPartition tp, long offset) {
        pending.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
        next.merge(tp, offset + 1, Math::max);
    }

    public synchronized void done(TopicPartition tp, long offset) {
        TreeSet<Long> set = pending.get(tp);
        if (set != null) {
            set.remove(offset);
        }
    }

    /** Offsets that moved since the last {@link #committed}; empty when there is nothing new. */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        next.forEach((tp, n) -> {
            TreeSet<Long> set = pending.get(tp);
            long upTo = set == null || set.isEmpty() ? n : set.first();
            if (!committed.containsKey(tp) || committed.get(tp) < upTo) {
                out.put(tp, new OffsetAndMetadata(upTo));
            }
        });
        return out;
    }

    public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
    }

    /** Forgets partitions this consumer no longer owns. */
    public synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            pending.remove(tp);
            next.remove(tp);
            committed.remove(tp);
        });
    }

    public synchronized int pendingCount() {
        return pending.values().stream().mapToInt(TreeSet::size).sum();
    }
}

package io.hubwatch.proxy.strategy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind: writes are buffered and flushed in batches after a delay; a second write of a key before the flush
 * replaces the first (last write wins). A failed batch is put back (unless a newer write replaced it) and retried.
 * {@link #close()} flushes everything still buffered, so a clean shutdown loses no write.
 *
 * <pre>{@code
 * try (WriteBehind<String, byte[]> wb = new WriteBehind<>(batch -> redis.mset(batch), Duration.ofMillis(20), 500)) {
 *     wb.write("k1", bytes);       // returns at once
 * }                                 // close(): flushed
 * }</pre>
 */
public final class WriteBehind<K, V> implements AutoCloseable {

    /** Writes one batch; the stage completes when it is durable in the target. */
    @FunctionalInterface
    public interface Flusher<K, V> {
        CompletionStage<?> flush(Map<K, V> batch);
    }

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

    private final Flusher<K, V> flusher;
    private final long delayMillis;
    private final int maxBatch;
    private final ConcurrentHashMap<K, V> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object flushLock = new Object();
    private final LongAdder flushedCount = new LongAdder();
    private final LongAdder failedFlushes = new LongAdder();

    public WriteBehind(Flusher<K, V> flusher, Duration delay, int maxBatch) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("write-behind delay must not be negative, got " + delay);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("write-behind batch size must be at least 1, got " + maxBatch);
        }
        this.flusher = flusher;
        this.delayMillis = delay.toMillis();
        this.maxBatch = maxBatch;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "write-behind");
            t.setDaemon(true);
            return t;
        });
        // on close the remaining writes are flushed by close() itself, not by a timer that would make it wait
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = executor;
    }

    /** Buffers a write. After {@link #close()} the write is flushed at once, on the caller's thread. */
    public void write(K key, V value) {
        pending.put(key, value);
        if (closed.get()) {
            flushNow(5_000);
            return;
        }
        if (pending.size() >= maxBatch) {
            timer.execute(() -> flushNow(0));
        } else if (scheduled.compareAndSet(false, true)) {
            timer.schedule(() -> {
                scheduled.set(false);
                flushNow(0);
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Drops buffered writes that match (e.g. entries purged before they reached the target); returns how many. */
    public int discardIf(java.util.function.BiPredicate<K, V> match) {
        int n = 0;
        for (Map.Entry<K, V> e : pending.entrySet()) {
            if (match.test(e.getKey(), e.getValue()) && pending.remove(e.getKey(), e.getValue())) {
                n++;
            }
        }
        return n;
    }

    public int pendingCount() {
        return pending.size();
    }

    public long flushedCount() {
        return flushedCount.sum();
    }

    public long failedFlushCount() {
        return failedFlushes.sum();
    }

    /**
     * Takes what is buffered and flushes it in batches. With a wait above zero it waits for the flushes (used on
     * close); otherwise it returns once they are sent.
     */
    private void flushNow(long waitMillis) {
        synchronized (flushLock) {
            while (!pending.isEmpty()) {
                Map<K, V> batch = new LinkedHashMap<>();
                for (Map.Entry<K, V> e : pending.entrySet()) {
                    if (batch.size() >= maxBatch) {
                        break;
                    }
                    // remove only this exact value: a newer write of the same key stays pending
                    if (pending.remove(e.getKey(), e.getValue())) {
                        batch.put(e.getKey(), e.getValue());
                    }
                }
                if (batch.isEmpty()) {
                    return;
                }
                CompletionStage<?> stage;
                try {
                    stage = flusher.flush(batch);
                } catch (RuntimeException e) {
                    stage = java.util.concurrent.CompletableFuture.failedFuture(e);
                }
                var done = stage.toCompletableFuture().whenComplete((ok, error) -> {
                    if (error == null) {
                        flushedCount.add(batch.size());
                    } else {
                        failedFlushes.increment();
                        batch.forEach(pending::putIfAbsent);
                        if (!closed.get() && scheduled.compareAndSet(false, true)) {
                            timer.schedule(() -> {
                                scheduled.set(false);
                                flushNow(0);
                            }, Math.max(delayMillis, 100), TimeUnit.MILLISECONDS);
                        }
                    }
                });
                if (waitMillis > 0) {
                    try {
                        done.get(waitMillis, TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        LOG.warn("write-behind flush of {} entries failed on close: {}", batch.size(), e.toString());
                        return;
                    }
                }
            }
        }
    }

    /** Flushes everything buffered and waits for it (up to 5 s per batch), then stops the timer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushNow(5_000);
        if (!pending.isEmpty()) {
            LOG.warn("write-behind closed with {} writes that could not be flushed", pending.size());
        }
    }
}

package io.hubwatch.collector.host.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO that never blocks its producer: when full, adding an element pushes out the oldest one and counts it.
 * For monitoring data the newest samples matter most, so an outage costs its oldest readings, not its latest.
 *
 * <pre>{@code
 * DropOldestBuffer<MetricEvent> buffer = new DropOldestBuffer<>(10_000);
 * buffer.add(event);                           // never waits
 * MetricEvent next = buffer.poll(100, MILLISECONDS);  // the consumer side may wait
 * }</pre>
 */
public final class DropOldestBuffer<T> {
    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long added;
    private long dropped;

    public DropOldestBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /**
     * Appends an element, dropping the oldest one if the buffer is full.
     *
     * @return how many elements were dropped to make room (0 or 1)
     */
    public int add(T item) {
        lock.lock();
        try {
            added++;
            int droppedNow = 0;
            if (items.size() == capacity) {
                items.pollFirst();
                dropped++;
                droppedNow = 1;
            }
            items.addLast(item);
            notEmpty.signal();
            return droppedNow;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts back an element that was taken but could not be passed on, as the oldest. If the buffer has filled up in
     * the meantime, that element is the one to drop, and it is counted.
     *
     * @return true if it went back, false if it was dropped
     */
    public boolean putBackOldest(T item) {
        lock.lock();
        try {
            if (items.size() == capacity) {
                dropped++;
                return false;
            }
            items.addFirst(item);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest element, waiting up to the timeout for one; null if none came. */
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Removes everything still held (at shutdown) and returns how many elements that was. */
    public int clear() {
        lock.lock();
        try {
            int n = items.size();
            items.clear();
            return n;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public int capacity() {
        return capacity;
    }

    /** Elements ever added with {@link #add}. */
    public long added() {
        lock.lock();
        try {
            return added;
        } finally {
            lock.unlock();
        }
    }

    /** Elements dropped because the buffer was full. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}

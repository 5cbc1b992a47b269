package io.hubwatch.proxy.http;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Limits concurrent upstream requests. A request past the limit waits in a bounded queue; past the queue it is
 * refused (the caller answers 503 with Retry-After). A released slot is handed straight to the next waiter.
 *
 * <pre>{@code
 * UpstreamGate gate = new UpstreamGate(256, 2048);
 * if (!gate.enter(() -> callUpstream().onComplete(x -> gate.release()))) respond503();
 * }</pre>
 */
public final class UpstreamGate {

    private final int maxInFlight;
    private final int maxQueued;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    public UpstreamGate(int maxInFlight, int maxQueued) {
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
    }

    /**
     * Runs the task now if a slot is free, or queues it; returns false (task not run, never will be) when the queue
     * is full. The task must call {@link #release()} exactly once when its upstream exchange is over.
     */
    public boolean enter(Runnable task) {
        if (waiters.isEmpty() && tryAcquire()) {
            task.run();
            return true;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return false;
        }
        waiters.add(task);
        drain();
        return true;
    }

    public void release() {
        inFlight.decrementAndGet();
        drain();
    }

    private void drain() {
        while (!waiters.isEmpty() && tryAcquire()) {
            Runnable next = waiters.poll();
            if (next == null) {
                inFlight.decrementAndGet();
                continue;
            }
            queued.decrementAndGet();
            next.run();
        }
    }

    private boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int queued() {
        return queued.get();
    }
}

package io.hubwatch.notify.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Runs a long-lived body (the notifier's consumer) and restarts it when it fails, waiting with exponential backoff
 * between attempts, so one unexpected exception cannot end consuming for good while {@code /metrics} keeps answering.
 * While the body is not known to run ({@link #isUp()} false: failed, waiting, or started but not yet
 * {@link #markUp() confirmed}), health reports it DOWN with {@link #lastError()}.
 *
 * <pre>{@code
 * SupervisedLoop loop = new SupervisedLoop("notifier consumer", () -> { ...; loop.markUp(); ... },
 *         Duration.ofSeconds(1), Duration.ofSeconds(30), Thread::sleep, () -> running);
 * new Thread(loop).start();
 * }</pre>
 */
public final class SupervisedLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedLoop.class);

    /** The supervised work: runs until {@code running} turns false, or throws. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** How the loop waits between attempts; tests pass one that records and returns at once. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final String name;
    private final Body body;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final Sleeper sleeper;
    private final BooleanSupplier running;
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean up;
    private volatile String lastError;
    private volatile long backoffMs;

    public SupervisedLoop(String name, Body body, Duration minBackoff, Duration maxBackoff, Sleeper sleeper,
                          BooleanSupplier running) {
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 < min <= max, were " + minBackoff + " and " + maxBackoff);
        }
        this.name = name;
        this.body = body;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.sleeper = sleeper;
        this.running = running;
        this.backoffMs = minBackoff.toMillis();
    }

    /** Called by the body once it does its work (e.g. after a successful poll): UP, and the backoff starts over. */
    public void markUp() {
        if (!up) {
            up = true;
            lastError = null;
            backoffMs = minBackoff.toMillis();
        }
    }

    public boolean isUp() {
        return up;
    }

    /** The last failure, or null while up. */
    public String lastError() {
        return lastError;
    }

    /** How often the body was restarted after a failure. */
    public long restarts() {
        return restarts.get();
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            try {
                body.run();
                if (!running.getAsBoolean()) {
                    return;
                }
                fail(new IllegalStateException(name + " returned while it should run"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (VirtualMachineError e) {
                up = false;
                lastError = e.toString();
                throw e;
            } catch (Exception | Error e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                fail(e);
            }
            long wait = backoffMs;
            backoffMs = Math.min(maxBackoff.toMillis(), backoffMs * 2);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            restarts.incrementAndGet();
        }
    }

    private void fail(Throwable e) {
        up = false;
        lastError = e.toString();
        LOG.error("{} failed; restarting it in {} ms (restart {}): {}", name, backoffMs, restarts.get() + 1, e.toString(), e);
    }
}

package io.hubwatch.collector.host.internal;

import io.hubwatch.events.MetricEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Samples the host once per interval on a thread of its own and hands each reading on. A failed reading is counted
 * and reported, and the next one runs on schedule: nothing here may end the loop. The first reading comes one interval
 * after {@link #start()}, so that CPU and network rates cover a whole interval.
 *
 * <pre>{@code
 * SamplingLoop loop = new SamplingLoop(sampler, Duration.ofSeconds(10), publisher::offer, problems, new SampleTimer());
 * loop.start();
 * ...
 * loop.stop(Duration.ofSeconds(2));
 * }</pre>
 */
public final class SamplingLoop {
    private final HostSampler sampler;
    private final Duration interval;
    private final Consumer<List<MetricEvent>> sink;
    private final ProblemLog problems;
    private final SampleTimer duration;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong failedSamples = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private volatile boolean lastSampleSucceeded = true;

    public SamplingLoop(HostSampler sampler, Duration interval, Consumer<List<MetricEvent>> sink, ProblemLog problems,
                        SampleTimer duration) {
        this.sampler = sampler;
        this.interval = interval;
        this.sink = sink;
        this.problems = problems;
        this.duration = duration;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "hubwatch-agent-sampler");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        long ms = interval.toMillis();
        // fixed delay, not fixed rate: after a stall (suspend, a long GC) the agent resumes at its pace instead of firing
        // a burst of catch-up readings whose rates would cover milliseconds; readings never overlap either way
        scheduler.scheduleWithFixedDelay(this::sampleOnce, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void sampleOnce() {
        long start = System.nanoTime();
        try {
            List<MetricEvent> events = sampler.sample(System.currentTimeMillis());
            sampled.addAndGet(events.size());
            sink.accept(events);
            samples.incrementAndGet();
            lastSampleSucceeded = true;
        } catch (RuntimeException | LinkageError e) {
            // an exception escaping a scheduled task would cancel every later run: count it and go on
            failedSamples.incrementAndGet();
            lastSampleSucceeded = false;
            problems.report("sampling the host failed: " + e);
        } finally {
            duration.record(System.nanoTime() - start);
        }
    }

    /** Stops sampling; a reading in progress may finish within the timeout. */
    public void stop(Duration timeout) {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** False while the latest reading failed (true before the first one). */
    public boolean lastSampleSucceeded() {
        return lastSampleSucceeded;
    }

    /** Readings completed. */
    public long samples() {
        return samples.get();
    }

    public long failedSamples() {
        return failedSamples.get();
    }

    /** Events the readings produced. */
    public long sampled() {
        return sampled.get();
    }
}

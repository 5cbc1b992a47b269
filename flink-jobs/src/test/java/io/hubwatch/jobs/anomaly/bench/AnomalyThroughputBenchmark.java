package io.hubwatch.jobs.anomaly.bench;

import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.jobs.anomaly.detector.SeriesDetector;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Benchmark (run by hand, not a test): scoring throughput of the anomaly detector with many live series, in samples
 * per second on one core, and the keyed state and heap per series.
 *
 * <p>Every series is live: full history, its own model (trained on its own data), retraining on schedule, visited
 * round-robin as a stream of interleaved series would. To get there without feeding each series 1,600 samples, 10
 * templates are warmed up, each copied to 1/10 of the series, and every series then gets a full turnover of its forest
 * on its own noisy data (every tree replaced by one grown on the series' own samples) before the measurement.
 *
 * <p>Throughput is reported three times: by wall time; by the measuring thread's CPU time, which is what one core
 * delivers when the machine is shared (other processes' load stretches wall time, not CPU time); and by the whole
 * process's CPU time, which adds the garbage collector's threads (and any late JIT compilation).
 *
 * <pre>{@code
 * benchmarks/anomaly-throughput.sh 10000 64             # series, measured rounds (default configuration)
 * benchmarks/anomaly-throughput.sh 10000 64 32 4 64 32  # ... trees, trees per retraining, subsample, interval
 * }</pre>
 */
public final class AnomalyThroughputBenchmark {
    private static final long STEP = 60_000;

    public static void main(String[] args) {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        DetectorConfig cfg = DetectorConfig.defaults();
        if (args.length > 5) {   // trees, trees per retraining, subsample, retrain interval
            cfg = cfg.withForest(Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
        }
        int warm = cfg.historyCapacity();
        SplittableRandom rnd = new SplittableRandom(1);

        long heapBefore = usedHeap();
        SeriesDetector[] templates = new SeriesDetector[10];
        for (int k = 0; k < templates.length; k++) {
            templates[k] = new SeriesDetector(cfg);
            for (int t = 0; t < warm; t++) {
                templates[k].observe(t * STEP, sample(k, t, rnd));
            }
        }
        SeriesDetector[] d = new SeriesDetector[series];
        for (int s = 0; s < series; s++) {
            d[s] = templates[s % templates.length].copy();
        }
        int t = warm;
        int turnover = cfg.retrainInterval() * ((cfg.trees() + cfg.treesPerRetrain() - 1) / cfg.treesPerRetrain()) + 16;
        for (int r = 0; r < turnover; r++, t++) {   // every tree of every series is regrown on its own data
            for (int s = 0; s < series; s++) {
                d[s].observe(t * STEP, sample(s, t, rnd));
            }
        }

        long n = 0;
        long fired = 0;
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long proc0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++, t++) {
            for (int s = 0; s < series; s++) {
                if (d[s].observe(t * STEP, sample(s, t, rnd)).anomalyScore() >= cfg.alarmLikelihood()) {
                    fired++;
                }
                n++;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpuSecs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double procSecs = (os.getProcessCpuTime() - proc0) / 1e9;
        long heapAfter = usedHeap();   // after the measurement: every series has its own full forest by then

        long stateBytes = 0;
        long modelBytes = 0;
        long accounted = 0;
        for (SeriesDetector x : d) {
            stateBytes += 4 + x.encode().length;   // as SeriesDetectorSerializer writes it (trees included)
            modelBytes += x.modelHeapBytes();
            accounted += x.heapBytes();
        }
        System.out.printf(Locale.ROOT, "series                      %d%n", series);
        System.out.printf(Locale.ROOT, "samples measured            %d in %.1f s (%d rounds, %d fired)%n", n, secs, rounds, fired);
        System.out.printf(Locale.ROOT, "config                      %s%n", cfg);
        System.out.printf(Locale.ROOT, "throughput (wall time)      %.0f samples/s on one thread%n", n / secs);
        System.out.printf(Locale.ROOT, "throughput (thread CPU)     %.0f samples/s per core (%.1f s CPU)%n", n / cpuSecs, cpuSecs);
        System.out.printf(Locale.ROOT, "throughput (process CPU)    %.0f samples/s per core-second of the whole JVM, GC included (%.1f s CPU)%n",
                n / procSecs, procSecs);
        System.out.printf(Locale.ROOT, "keyed state per series      %d bytes (serialized detector)%n", stateBytes / series);
        System.out.printf(Locale.ROOT, "model heap per series       %d bytes (compact trees, also in the state)%n", modelBytes / series);
        System.out.printf(Locale.ROOT, "heap per series (accounted) %d bytes (rings + model)%n", accounted / series);
        System.out.printf(Locale.ROOT, "heap per series (measured)  %d bytes (live heap growth / series)%n", (heapAfter - heapBefore) / series);
    }

    /** A noisy daily-like sine per series, with its own phase, level and noise. */
    private static double sample(int s, int t, SplittableRandom rnd) {
        double level = 20 + (s % 97);
        return level + 0.2 * level * Math.sin(2 * Math.PI * (t + 7 * s) / 288) + rnd.nextGaussian() * (1 + s % 3);
    }

    /**
     * Live heap bytes: the total of a class histogram (which runs a full GC first), as {@code jcmd GC.class_histogram}
     * prints it. More trustworthy than the used heap after {@code System.gc()}, which can keep garbage.
     */
    private static long usedHeap() {
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[]{null}, new String[]{String[].class.getName()});
            String[] lines = histogram.strip().split("\n");
            String[] total = lines[lines.length - 1].trim().split("\\s+");   // Total <instances> <bytes>
            return Long.parseLong(total[2]);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the class histogram", e);
        }
    }
}

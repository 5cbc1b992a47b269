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
 * templates are warmed up, each copied to 1/10 of the series, and every series then gets 80 samples of its own noisy
 * data (one retraining of its own) before the measurement.
 *
 * <pre>{@code
 * benchmarks/anomaly-throughput.sh 10000 20     # series, measured rounds
 * }</pre>
 */
public final class AnomalyThroughputBenchmark {
    private static final long STEP = 60_000;

    public static void main(String[] args) {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        DetectorConfig cfg = DetectorConfig.defaults();
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
        for (int r = 0; r < cfg.retrainInterval() + 16; r++, t++) {   // every series retrains on its own data
            for (int s = 0; s < series; s++) {
                d[s].observe(t * STEP, sample(s, t, rnd));
            }
        }
        long heapAfter = usedHeap();

        long n = 0;
        long fired = 0;
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

        long stateBytes = 0;
        long modelBytes = 0;
        for (SeriesDetector x : d) {
            stateBytes += 4 + x.encode().length;   // as SeriesDetectorSerializer writes it
            modelBytes += x.modelHeapBytes();
        }
        System.out.printf(Locale.ROOT, "series                      %d%n", series);
        System.out.printf(Locale.ROOT, "samples measured            %d in %.1f s (%d rounds, %d fired)%n", n, secs, rounds, fired);
        System.out.printf(Locale.ROOT, "throughput                  %.0f samples/s on one core%n", n / secs);
        System.out.printf(Locale.ROOT, "keyed state per series      %d bytes (serialized detector)%n", stateBytes / series);
        System.out.printf(Locale.ROOT, "model heap per series       %d bytes (compact forest)%n", modelBytes / series);
        System.out.printf(Locale.ROOT, "heap per series (measured)  %d bytes%n", (heapAfter - heapBefore) / series);
    }

    /** A noisy daily-like sine per series, with its own phase, level and noise. */
    private static double sample(int s, int t, SplittableRandom rnd) {
        double level = 20 + (s % 97);
        return level + 0.2 * level * Math.sin(2 * Math.PI * (t + 7 * s) / 288) + rnd.nextGaussian() * (1 + s % 3);
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

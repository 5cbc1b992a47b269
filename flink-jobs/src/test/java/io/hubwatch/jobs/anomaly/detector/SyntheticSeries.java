package io.hubwatch.jobs.anomaly.detector;

import java.util.Random;
import java.util.function.IntToDoubleFunction;

/** Synthetic series for detector tests: a noisy daily-like sine with an optional change from a given sample on. */
final class SyntheticSeries {
    static final long STEP_MS = 60_000;
    static final long T0 = 1_700_000_000_000L;

    private SyntheticSeries() {}

    static double[] of(int n, IntToDoubleFunction f) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = f.applyAsDouble(i);
        }
        return v;
    }

    /** 50 + 10 sin(2 pi i / period) + N(0, noise). */
    static IntToDoubleFunction sine(int period, double noise, long seed) {
        Random r = new Random(seed);
        double[] eps = new double[100_000];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = r.nextGaussian();
        }
        return i -> 50 + 10 * Math.sin(2 * Math.PI * i / period) + noise * eps[i];
    }

    static long ts(int i) {
        return T0 + i * STEP_MS;
    }
}

package io.hubwatch.jobs.anomaly.detector;

import io.hubwatch.jobs.anomaly.detector.internal.FftAutocorrelation;
import io.hubwatch.jobs.anomaly.detector.internal.FloatRing;

/**
 * The feature vector of a sample, from the series' own recent values:
 * <ol>
 *   <li>the value itself (spikes, level shifts, values never seen before),</li>
 *   <li>the change from the previous value (sudden jumps, changes of variance and frequency),</li>
 *   <li>the mean absolute seasonal difference over the last {@code window} samples, {@code |v[t] - v[t - period]|}
 *       averaged, where {@code period} is the series' dominant season found by autocorrelation when the model is
 *       trained (0 without a season): it catches a daily shape that does not come, comes twice or changes.</li>
 * </ol>
 * Isolation trees split each feature between its observed minimum and maximum, so no scaling is needed. Why these
 * three and not more: see docs/decisions.md (window mean, spread and long-window statistics were tried and scored lower
 * on NAB).
 */
public final class Features {
    public static final int DIMENSIONS = 3;

    private Features() {}

    /** How many values (including the sample itself) a feature vector looks back at, for a season up to {@code maxPeriod}. */
    public static int span(int window, int maxPeriod) {
        return maxPeriod + window;
    }

    /**
     * The features of a new value that follows the values in {@code history}: the same numbers as {@link #of} on the
     * last {@code period + window - 1} values and {@code value}, read in place (copying them cost more than scoring).
     */
    public static double[] current(FloatRing history, double value, int window, int period) {
        int size = history.size();
        int n = Math.min(period + window - 1, size);
        int len = n + 1;                      // w[0..n) = the last n values, w[n] = value
        int base = size - n;
        double prev = n > 0 ? history.get(size - 1) : value;
        double seasonal = 0;
        if (period > 0) {
            int k = 0;
            for (int i = len - 1; i >= Math.max(0, len - window) && i - period >= 0; i--) {
                double a = i == n ? value : history.get(base + i);
                seasonal += Math.abs(a - history.get(base + i - period));
                k++;
            }
            seasonal = k > 0 ? seasonal / k : 0;
        }
        return new double[]{value, value - prev, seasonal};
    }

    /** The features of the value at ring index {@code j}, from the values before it (as {@link #current}). */
    public static double[] at(FloatRing v, int j, int window, int period) {
        return new double[]{v.get(j), j > 0 ? v.get(j) - v.get(j - 1) : 0, seasonal(v, j, window, period)};
    }

    /**
     * The rows of the ring indices {@code [start, end)}: {@code rows[i]} is {@link #at}{@code (v, start + i, ...)},
     * the same doubles, computed from one copy of the values they need (reading the ring value by value for every row
     * cost a tenth of the detector's CPU time).
     */
    public static double[][] rows(FloatRing v, int start, int end, int window, int period) {
        int from = Math.max(0, start - 1 - Math.max(0, period + window - 1));
        double[] w = new double[end - from];
        for (int i = 0; i < w.length; i++) {
            w[i] = v.get(from + i);
        }
        double[][] rows = new double[end - start][];
        for (int j = start; j < end; j++) {
            int a = j - from;   // j's index in w
            double seasonal = 0;
            if (period > 0) {
                double sum = 0;
                int k = 0;
                for (int i = j; i >= Math.max(0, j - window + 1) && i - period >= 0; i--) {
                    sum += Math.abs(w[i - from] - w[i - from - period]);
                    k++;
                }
                seasonal = k > 0 ? sum / k : 0;
            }
            rows[j - start] = new double[]{w[a], j > 0 ? w[a] - w[a - 1] : 0, seasonal};
        }
        return rows;
    }

    private static double seasonal(FloatRing v, int j, int window, int period) {
        if (period <= 0) {
            return 0;
        }
        double sum = 0;
        int k = 0;
        for (int i = j; i >= Math.max(0, j - window + 1) && i - period >= 0; i--) {
            sum += Math.abs(v.get(i) - v.get(i - period));
            k++;
        }
        return k > 0 ? sum / k : 0;
    }

    /** Features of {@code w[len-1]}, given the values before it in {@code w[0..len-1)}. */
    static double[] of(double[] w, int len, int window, int period) {
        double last = w[len - 1];
        double prev = len > 1 ? w[len - 2] : last;
        double seasonal = 0;
        if (period > 0) {
            int k = 0;
            for (int i = len - 1; i >= Math.max(0, len - window) && i - period >= 0; i--) {
                seasonal += Math.abs(w[i] - w[i - period]);
                k++;
            }
            seasonal = k > 0 ? seasonal / k : 0;
        }
        return new double[]{last, last - prev, seasonal};
    }

    /**
     * {@code acf[lag] = sum(x[i] * x[i - lag], i = lag..n-1) / var} for every lag in {@code [from, to]}, each sum added
     * in ascending {@code i} as a plain loop would (so the same doubles, bit for bit), four lags per pass: one sum at
     * a time waits on each addition's latency, four independent sums keep the FPU busy (the search took a third of
     * the detector's CPU time).
     */
    static void autocorrelation(double[] x, int n, double var, int from, int to, double[] acf) {
        int lag = from;
        for (; lag + 3 <= to; lag += 4) {
            double c0 = 0;
            double c1 = 0;
            double c2 = 0;
            double c3 = 0;
            int i = lag;
            c0 += x[i] * x[i - lag];                             // i = lag: only the first sum has begun
            i++;
            c0 += x[i] * x[i - lag];
            c1 += x[i] * x[i - lag - 1];
            i++;
            c0 += x[i] * x[i - lag];
            c1 += x[i] * x[i - lag - 1];
            c2 += x[i] * x[i - lag - 2];
            for (i++; i < n; i++) {
                double xi = x[i];
                c0 += xi * x[i - lag];
                c1 += xi * x[i - lag - 1];
                c2 += xi * x[i - lag - 2];
                c3 += xi * x[i - lag - 3];
            }
            acf[lag] = c0 / var;
            acf[lag + 1] = c1 / var;
            acf[lag + 2] = c2 / var;
            acf[lag + 3] = c3 / var;
        }
        for (; lag <= to; lag++) {
            double c = 0;
            for (int i = lag; i < n; i++) {
                c += x[i] * x[i - lag];
            }
            acf[lag] = c / var;
        }
    }

    /**
     * The dominant season of the ring values {@code [from, to)}: the lag in {@code [minLag, maxLag]} whose
     * autocorrelation is the highest local peak above {@code minCorrelation}; 0 when there is none.
     */
    public static int period(FloatRing v, int from, int to, int minLag, int maxLag, double minCorrelation) {
        return period(v, from, to, minLag, maxLag, minCorrelation, 0);
    }

    /**
     * As {@link #period(FloatRing, int, int, int, int, double)}, but keeps {@code current} while its autocorrelation
     * is within 10 % of the best, so that a season of 96 does not flap to 95 and back between trainings.
     */
    public static int period(FloatRing v, int from, int to, int minLag, int maxLag, double minCorrelation, int current) {
        int n = to - from;
        if (n < 2 * minLag) {
            return 0;
        }
        double[] x = new double[n];
        double var = centre(v, from, x);
        if (var <= 0) {
            return 0;
        }
        int hi = Math.min(maxLag, n / 2);
        int top = Math.min(hi + 1, n - 1);
        if (hi - minLag < MIN_LAGS_FOR_FFT || !Double.isFinite(var)) {
            double[] acf = new double[hi + 2];
            autocorrelation(x, n, var, minLag - 1, top, acf);
            return peak(acf, minLag, hi, minCorrelation, current);
        }
        // Every lag's exact sum costs n - lag multiply-adds (0.4 M for 1,024 values). The plain search picks, of
        // the lags that pass its test (a local peak above minCorrelation), the first with the highest value. The
        // FFT's approximate sums (within ERROR_BOUND * var) rule out almost every lag: a lag can pass only if its
        // approximation is within the bound of passing, and can be the highest only if its approximation is within
        // twice the bound of the best exact value found. So the doubtful lags are checked exactly, the most promising
        // first, until no unchecked one can reach the best; the exact sums are the plain loop's doubles, so the
        // result is the plain search's.
        double[] approx = FftAutocorrelation.sums(x, n, top);
        double tol = FftAutocorrelation.ERROR_BOUND * var;
        double floor = minCorrelation * var - tol;
        int[] doubtful = new int[hi - minLag + 1];
        int count = 0;
        for (int lag = minLag; lag <= hi; lag++) {
            double a = approx[lag];
            if (a > floor && a >= approx[lag - 1] - 2 * tol && a >= approx[lag + 1] - 2 * tol) {
                doubtful[count++] = lag;
            }
        }
        double[] acf = new double[hi + 2];
        java.util.Arrays.fill(acf, Double.NaN);
        boolean[] passed = new boolean[hi + 1];
        double reach = Double.NEGATIVE_INFINITY;   // an unchecked lag below this cannot reach the best exact peak
        while (count > 0) {
            int top1 = 0;
            for (int i = 1; i < count; i++) {
                if (approx[doubtful[i]] > approx[doubtful[top1]]) {
                    top1 = i;
                }
            }
            int lag = doubtful[top1];
            if (approx[lag] < reach) {
                break;
            }
            doubtful[top1] = doubtful[--count];
            double c = exact(x, n, var, lag, acf);
            if (c > minCorrelation && c >= exact(x, n, var, lag - 1, acf) && c >= exact(x, n, var, lag + 1, acf)) {
                passed[lag] = true;
                reach = Math.max(reach, c * var - 2 * tol);
            }
        }
        int best = 0;
        double bestAcf = minCorrelation;
        for (int lag = minLag; lag <= hi; lag++) {   // as the plain search, over the lags that can matter
            if (passed[lag] && acf[lag] > bestAcf) {
                best = lag;
                bestAcf = acf[lag];
            }
        }
        if (current >= minLag && current <= hi && best > 0 && exact(x, n, var, current, acf) >= 0.9 * bestAcf) {
            return current;
        }
        return best;
    }

    /** Below this many lags the plain search is as cheap as the FFT. */
    static final int MIN_LAGS_FOR_FFT = 64;

    /** {@code acf[lag]} as the plain loop computes it, computed once. */
    private static double exact(double[] x, int n, double var, int lag, double[] acf) {
        double c = acf[lag];
        if (Double.isNaN(c)) {
            double sum = 0;
            for (int i = lag; i < n; i++) {
                sum += x[i] * x[i - lag];
            }
            c = sum / var;
            acf[lag] = c;
        }
        return c;
    }

    private static int peak(double[] acf, int minLag, int hi, double minCorrelation, int current) {
        int best = 0;
        double bestAcf = minCorrelation;
        for (int lag = minLag; lag <= hi; lag++) {
            if (acf[lag] > bestAcf && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1]) {
                best = lag;
                bestAcf = acf[lag];
            }
        }
        if (current >= minLag && current <= hi && best > 0 && acf[current] >= 0.9 * bestAcf) {
            return current;
        }
        return best;
    }

    /** Fills {@code x} with the window's values from {@code from} minus their mean; returns their sum of squares. */
    private static double centre(FloatRing v, int from, double[] x) {
        int n = x.length;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            x[i] = v.get(from + i);
            mean += x[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            x[i] -= mean;
            var += x[i] * x[i];
        }
        return var;
    }

    /** The season search without the FFT pre-pass: every lag's exact sum (the reference the pre-pass must match). */
    static int periodPlain(FloatRing v, int from, int to, int minLag, int maxLag, double minCorrelation, int current) {
        int n = to - from;
        if (n < 2 * minLag) {
            return 0;
        }
        double[] x = new double[n];
        double var = centre(v, from, x);
        if (var <= 0) {
            return 0;
        }
        int hi = Math.min(maxLag, n / 2);
        double[] acf = new double[hi + 2];
        autocorrelation(x, n, var, minLag - 1, Math.min(hi + 1, n - 1), acf);
        return peak(acf, minLag, hi, minCorrelation, current);
    }
}

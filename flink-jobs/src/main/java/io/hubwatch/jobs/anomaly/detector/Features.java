package io.hubwatch.jobs.anomaly.detector;

import io.hubwatch.jobs.anomaly.detector.internal.DoubleRing;

/**
 * The feature vector of a sample, from a window of the series' own recent values (the sample and the
 * {@code window - 1} before it):
 * <ol>
 *   <li>the value (spikes, level shifts),</li>
 *   <li>the change from the previous value (sudden jumps),</li>
 *   <li>the window mean (sustained shifts),</li>
 *   <li>the window standard deviation (changes of variance),</li>
 *   <li>the mean absolute change within the window (changes of frequency: a faster oscillation of the same
 *       amplitude moves further per sample).</li>
 * </ol>
 * Isolation trees split each feature between its observed minimum and maximum, so no scaling is needed.
 */
public final class Features {
    public static final int DIMENSIONS = 5;

    private Features() {}
    static final int[] SEL = java.util.Arrays.stream(System.getProperty("FS", "0,1,2,3,4").split(",")).mapToInt(Integer::parseInt).toArray(); // XXX

    /** The features of a new value that follows the values in {@code history}. */
    public static double[] current(DoubleRing history, double value, int window) {
        int n = Math.min(window - 1, history.size());
        double[] w = new double[n + 1];
        for (int i = 0; i < n; i++) {
            w[i] = history.get(history.size() - n + i);
        }
        w[n] = value;
        return of(w, 0, n + 1);
    }

    /** Feature rows for the values at ring indices {@code [start, end)}, each with its own preceding window. */
    public static double[][] training(DoubleRing history, int start, int end, int window) {
        double[][] rows = new double[end - start][];
        double[] w = new double[window];
        for (int j = start; j < end; j++) {
            int from = Math.max(0, j - window + 1);
            int len = j - from + 1;
            for (int i = 0; i < len; i++) {
                w[i] = history.get(from + i);
            }
            rows[j - start] = of(w, 0, len);
        }
        return rows;
    }

    static double[] of(double[] w, int from, int len) {
        double last = w[from + len - 1];
        double prev = len > 1 ? w[from + len - 2] : last;
        double sum = 0;
        double absDelta = 0;
        for (int i = from; i < from + len; i++) {
            sum += w[i];
            if (i > from) {
                absDelta += Math.abs(w[i] - w[i - 1]);
            }
        }
        double mean = sum / len;
        double sq = 0;
        for (int i = from; i < from + len; i++) {
            sq += (w[i] - mean) * (w[i] - mean);
        }
        double[] all = {last, last - prev, mean, Math.sqrt(sq / len), len > 1 ? absDelta / (len - 1) : 0};
        int[] sel = SEL;
        double[] out = new double[sel.length];
        for (int i = 0; i < sel.length; i++) out[i] = all[sel[i]];
        return out;
    }
}

package io.hubwatch.backtest.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hubwatch's own implementation of the Numenta Anomaly Benchmark score (Lavin &amp; Ahmad 2015), written from the
 * published description.
 *
 * <p>A detection is a row whose score is at or above the threshold, outside the probationary period. Each scored window
 * earns the value of its earliest detection times the TP weight, or costs the FN weight when it has none; every
 * detection outside a window costs the FP weight times its penalty ({@link NabFile}). The threshold is chosen per
 * profile by trying every distinct score over the whole corpus (and "never fire"), keeping the best raw total, the
 * higher threshold on ties. The total is normalised so that never firing scores 0 and a perfect detector 100.
 *
 * <pre>{@code
 * NabScorer scorer = new NabScorer(files);          // NabFile per data file
 * NabResult r = scorer.score(scoresByFile, NabProfile.STANDARD);
 * System.out.printf("%.2f%n", r.score());
 * }</pre>
 */
public final class NabScorer {
    private final List<NabFile> files;

    public NabScorer(List<NabFile> files) {
        this.files = List.copyOf(files);
    }

    public List<NabFile> files() {
        return files;
    }

    /**
     * Scores the detector output {@code scores} (file name to one score per row, NaN = no detection) under a profile,
     * sweeping the threshold.
     */
    public NabResult score(Map<String, double[]> scores, NabProfile profile) {
        double best = sweep(scores, profile);
        return scoreAt(scores, profile, best);
    }

    /** Scores at a fixed threshold. */
    public NabResult scoreAt(Map<String, double[]> scores, NabProfile profile, double threshold) {
        double raw = 0;
        int detected = 0;
        int missed = 0;
        int fps = 0;
        int scoredWindows = 0;
        int allWindows = 0;
        for (NabFile f : files) {
            double[] s = scoresOf(scores, f);
            double[] bestInWindow = new double[f.windows];
            boolean[] hit = new boolean[f.windows];
            double fpSum = 0;
            for (int i = f.firstScored; i < f.rows; i++) {
                if (!(s[i] >= threshold)) {
                    continue;
                }
                int k = f.slot[i];
                if (k >= 0) {
                    if (!hit[k] || f.value[i] > bestInWindow[k]) {
                        bestInWindow[k] = f.value[i];
                        hit[k] = true;
                    }
                } else {
                    fps++;
                    fpSum += f.value[i];
                }
            }
            double tpSum = 0;
            int fileHits = 0;
            for (int k = 0; k < f.windows; k++) {
                if (hit[k]) {
                    tpSum += bestInWindow[k];
                    fileHits++;
                }
            }
            detected += fileHits;
            missed += f.scoredWindows - fileHits;
            scoredWindows += f.scoredWindows;
            allWindows += f.windows;
            raw += profile.tpWeight() * tpSum - profile.fnWeight() * (f.scoredWindows - fileHits)
                    + profile.fpWeight() * fpSum;
        }
        double nullScore = -profile.fnWeight() * scoredWindows;
        double perfect = profile.tpWeight() * allWindows;
        double normalised = perfect == nullScore ? Double.NaN : 100.0 * (raw - nullScore) / (perfect - nullScore);
        return new NabResult(profile, threshold, raw, nullScore, perfect, normalised, detected, missed, fps);
    }

    /** The threshold with the best raw total: every distinct score is tried, from the highest down. */
    double sweep(Map<String, double[]> scores, NabProfile profile) {
        record Row(double score, int window, double value) {}
        List<Row> rows = new ArrayList<>();
        int windowBase = 0;
        int scoredWindows = 0;
        for (NabFile f : files) {
            double[] s = scoresOf(scores, f);
            for (int i = f.firstScored; i < f.rows; i++) {
                if (Double.isNaN(s[i])) {
                    continue;
                }
                rows.add(new Row(s[i], f.slot[i] >= 0 ? windowBase + f.slot[i] : -1, f.value[i]));
            }
            windowBase += f.windows;
            scoredWindows += f.scoredWindows;
        }
        rows.sort(Comparator.comparingDouble(Row::score).reversed());
        Map<Integer, Double> bestInWindow = new HashMap<>();
        double tpSum = 0;
        double fpSum = 0;
        double bestTotal = -profile.fnWeight() * scoredWindows;
        double bestThreshold = Double.POSITIVE_INFINITY;
        int j = 0;
        while (j < rows.size()) {
            double thr = rows.get(j).score();
            while (j < rows.size() && rows.get(j).score() == thr) {
                Row r = rows.get(j);
                if (r.window() < 0) {
                    fpSum += r.value();
                } else {
                    Double old = bestInWindow.get(r.window());
                    if (old == null) {
                        bestInWindow.put(r.window(), r.value());
                        tpSum += r.value();
                    } else if (r.value() > old) {
                        bestInWindow.put(r.window(), r.value());
                        tpSum += r.value() - old;
                    }
                }
                j++;
            }
            double total = profile.tpWeight() * tpSum - profile.fnWeight() * (scoredWindows - bestInWindow.size())
                    + profile.fpWeight() * fpSum;
            if (total > bestTotal) {
                bestTotal = total;
                bestThreshold = thr;
            }
        }
        return bestThreshold;
    }

    private static double[] scoresOf(Map<String, double[]> scores, NabFile f) {
        double[] s = scores.get(f.name);
        if (s == null) {
            throw new IllegalArgumentException("no scores for data file " + f.name);
        }
        if (s.length != f.rows) {
            throw new IllegalArgumentException(f.name + ": " + s.length + " scores for " + f.rows + " rows");
        }
        return Arrays.copyOf(s, s.length);
    }
}

package io.hubwatch.jobs.anomaly.detector;

import io.hubwatch.jobs.anomaly.detector.internal.DoubleRing;
import smile.anomaly.IsolationForest;
import smile.math.special.Erf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The anomaly detector of one series: plain Java, used as-is by the Flink job (one per key, in keyed state) and by
 * the backtest, so that both give the same scores for the same input.
 *
 * <p>Per sample: a feature vector from the series' recent values ({@link Features}), scored by an Isolation Forest
 * trained on the series' own recent history; the raw score is turned into a likelihood by comparing the average of the
 * last few scores with the distribution of the series' recent scores; an episode fires when the likelihood passes
 * the alarm level and resolves after a run of quiet samples.
 *
 * <p>State is bounded: a ring of recent values, a ring of recent scores and a few counters. The forest itself is not
 * state: it is rebuilt, bit for bit, from the values it was trained on and a seed (see {@link #encode()}).
 *
 * <pre>{@code
 * SeriesDetector d = new SeriesDetector(DetectorConfig.defaults());
 * Detection r = d.observe(timestampMs, value);
 * if (r.transition() == Detection.Transition.FIRE) { ... }
 * }</pre>
 */
public final class SeriesDetector {
    private static final int FORMAT = 1;
    /** Scores of an episode after it fired are multiplied by this, so one anomaly is reported once. */
    static final double EPISODE_DAMPING = 0.5;

    static final int LMODE = Integer.getInteger("LMODE", 0); // XXX
    private final DetectorConfig cfg;
    private final DoubleRing values;
    private final DoubleRing scores;
    private long count;            // values learned so far
    private long lastTimestamp = Long.MIN_VALUE;
    private long trainedAt;        // count when the model was trained, 0 = never
    private double trainMean;
    private double trainStd;
    private boolean firing;
    private int quiet;
    private int cooldown;
    static final int SUP = Integer.getInteger("SUP", 0); // XXX

    private transient IsolationForest model;

    public SeriesDetector(DetectorConfig cfg) {
        this.cfg = cfg;
        this.values = new DoubleRing(cfg.historyCapacity());
        this.scores = new DoubleRing(cfg.scoreHistory());
    }

    public DetectorConfig config() {
        return cfg;
    }

    /** Samples learned so far. */
    public long count() {
        return count;
    }

    public boolean firing() {
        return firing;
    }

    /**
     * Scores one sample and learns from it. A non-finite value is scored 0 and not learned; a sample older than the
     * newest one learned is scored but not learned, so late or replayed data cannot distort the history.
     */
    public Detection observe(long timestamp, double value) {
        if (!Double.isFinite(value)) {
            return new Detection(timestamp, value, 0, 0, 0, confidence(), trainMean, trainStd,
                    Detection.Transition.NONE, false);
        }
        boolean learn = timestamp >= lastTimestamp;
        double[] x = Features.current(values, value, cfg.featureWindow());
        IsolationForest forest = model();
        double raw = forest == null ? 0 : forest.score(x);
        double likelihood = 0;
        if (forest != null && learn) {
            scores.add((float) raw);   // kept as float in state: round now so a restore changes nothing
            likelihood = count + 1 >= cfg.minHistory() ? likelihood() : 0;
        } else if (forest != null) {
            likelihood = count >= cfg.minHistory() ? likelihoodOf(raw) : 0;
        }
        Detection.Transition transition = Detection.Transition.NONE;
        double published = likelihood;
        if (learn) {
            if (cooldown > 0) {
                cooldown--;
            }
            if (!firing && cooldown == 0 && likelihood >= cfg.alarmLikelihood()) {
                cooldown = SUP;
                firing = true;
                quiet = 0;
                transition = Detection.Transition.FIRE;
            } else if (firing || cooldown > 0) {
                published = likelihood * EPISODE_DAMPING;
                quiet = likelihood < cfg.resolveLikelihood() ? quiet + 1 : 0;
                if (quiet >= cfg.quietSamples()) {
                    firing = false;
                    transition = Detection.Transition.RESOLVE;
                }
            }
            values.add(value);
            count++;
            lastTimestamp = timestamp;
            maybeRetrain();
        } else if (firing) {
            published = likelihood * EPISODE_DAMPING;
        }
        return new Detection(timestamp, value, raw, likelihood, published, confidence(), trainMean, trainStd,
                transition, learn);
    }

    /** In [0,1]: the share of a full training window the current model saw. */
    public double confidence() {
        if (trainedAt == 0) {
            return 0;
        }
        return Math.min(1.0, (double) Math.min(trainedAt, cfg.trainingWindow()) / cfg.trainingWindow());
    }

    /**
     * Primes the detector from stored history (oldest first) so that a restart or a new deployment does not start
     * blind. Equivalent to observing each sample, without reporting episodes.
     */
    public void prime(long[] timestamps, double[] vals) {
        for (int i = 0; i < vals.length; i++) {
            observe(timestamps[i], vals[i]);
        }
        firing = false;
        quiet = 0;
    }

    private double likelihood() {
        int n = scores.size();
        int k = Math.min(cfg.scoreAverage(), n);
        double avg = 0;
        for (int i = 0; i < k; i++) {
            avg += scores.last(i);
        }
        avg /= k;
        return tailLikelihood(avg, n - k);
    }

    private double likelihoodOf(double raw) {
        return tailLikelihood(raw, scores.size());
    }

    /** Gaussian CDF of {@code s} against the first {@code n} kept scores (the baseline). */
    private double tailLikelihood(double s, int n) {
        if (n < 16) {
            return 0;
        }
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double v = scores.get(i);
            sum += v;
            sq += v * v;
        }
        double mean = sum / n;
        double std = Math.sqrt(Math.max(0, sq / n - mean * mean));
        std = Math.max(std, 0.005);   // a floor: a perfectly regular series must not make tiny wiggles "unlikely"
        if (LMODE == 0) {
            double z = (s - mean) / std;
            return 1 - 0.5 * Erf.erfc(z / Math.sqrt(2));
        }
        // empirical: share of the baseline at or above s; beyond the baseline's maximum, a Gaussian tail of the excess
        int c = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = scores.get(i);
            if (v >= s) c++;
            max = Math.max(max, v);
        }
        if (c > 0) {
            return 1 - (double) c / (n + 1);
        }
        double z = (s - max) / std;
        return 1 - (1.0 / (n + 1)) * Erf.erfc(z / Math.sqrt(2));
    }

    private void maybeRetrain() {
        if (count < cfg.featureWindow() + 16) {
            return;
        }
        long since = count - trainedAt;
        boolean due = trainedAt == 0 ? count >= Math.min(cfg.minHistory(), cfg.trainingWindow()) / 2
                : since >= cfg.retrainInterval();
        if (!due && trainedAt > 0 && since >= cfg.featureWindow() && drifted()) {
            due = true;
        }
        if (due) {
            trainedAt = count;
            model = null;
            model();
        }
    }

    /** The recent values' mean lies far outside what the model was trained on. */
    private boolean drifted() {
        int k = cfg.featureWindow();
        double m = 0;
        for (int i = 0; i < k; i++) {
            m += values.last(i);
        }
        m /= k;
        return Math.abs(m - trainMean) > 4 * Math.max(trainStd, 1e-9) + 1e-12;
    }

    /** The current forest, rebuilt from the kept history when missing (after a restore). */
    private IsolationForest model() {
        if (model == null && trainedAt > 0) {
            long first = count - values.size();   // global index of values.get(0)
            int end = (int) (trainedAt - first);   // exclusive ring index of the training window
            int start = Math.max(0, end - cfg.trainingWindow());
            double[][] rows = Features.training(values, start, end, cfg.featureWindow());
            double s = 0;
            double sq = 0;
            for (int i = start; i < end; i++) {
                double v = values.get(i);
                s += v;
                sq += v * v;
            }
            int n = end - start;
            trainMean = s / n;
            trainStd = Math.sqrt(Math.max(0, sq / n - trainMean * trainMean));
            model = ForestTrainer.train(rows, cfg.trees(), cfg.subsample(), cfg.seed() * 31 + trainedAt);
        }
        return model;
    }

    /** The state in a compact binary form; the forest is rebuilt from it on {@link #decode}. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 8 * values.size() + 4 * scores.size());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeLong(count);
            out.writeLong(lastTimestamp);
            out.writeLong(trainedAt);
            out.writeBoolean(firing);
            out.writeInt(quiet);
            values.writeTo(out, false);
            scores.writeTo(out, true);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The inverse of {@link #encode()} for the same config. */
    public static SeriesDetector decode(byte[] bytes, DetectorConfig cfg) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown detector state format " + format);
            }
            SeriesDetector d = new SeriesDetector(cfg);
            d.count = in.readLong();
            d.lastTimestamp = in.readLong();
            d.trainedAt = in.readLong();
            d.firing = in.readBoolean();
            d.quiet = in.readInt();
            DoubleRing v = DoubleRing.readFrom(in, cfg.historyCapacity(), false);
            DoubleRing s = DoubleRing.readFrom(in, cfg.scoreHistory(), true);
            for (int i = 0; i < v.size(); i++) {
                d.values.add(v.get(i));
            }
            for (int i = 0; i < s.size(); i++) {
                d.scores.add(s.get(i));
            }
            d.model();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

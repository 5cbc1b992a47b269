package io.hubwatch.jobs.anomaly.detector;

import io.hubwatch.jobs.anomaly.detector.internal.CompactForest;
import io.hubwatch.jobs.anomaly.detector.internal.FloatRing;
import smile.anomaly.IsolationTree;
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
 * <p>Per sample: a feature vector from the series' recent values ({@link Features}), scored by a Smile Isolation
 * Forest trained on the series' own recent history; the average of the last few raw scores is turned into a
 * likelihood against the distribution of the series' recent raw scores (a Gaussian tail, as in NAB's anomaly
 * likelihood); an episode fires when the likelihood reaches the alarm level and resolves after a run of quiet samples.
 * The published {@link Detection#anomalyScore()} is the likelihood on the sample that fires and half the likelihood on
 * every other sample, so one anomaly is reported once.
 *
 * <p>State is bounded and includes the model: rings of recent values and raw scores (floats), a few counters and the
 * forest as a {@link CompactForest} ({@link #encode()}, about 22.4 KB with the defaults; about 23 KB of heap), so a
 * restored detector carries on with the very trees it had.
 *
 * <pre>{@code
 * SeriesDetector d = new SeriesDetector(DetectorConfig.defaults());
 * Detection r = d.observe(timestampMs, value);
 * if (r.transition() == Detection.Transition.FIRE) { ... }
 * }</pre>
 */
public final class SeriesDetector {
    private static final int FORMAT = 2;
    /** Scores other than an episode's first are multiplied by this, so one anomaly is reported once. */
    static final double DAMPING = 0.5;
    /**
     * Floor of the raw-score spread. Differences in Isolation Forest scores below a few hundredths are the forest's
     * own noise (and each retraining draws a new forest): on a perfectly regular series they must not look unlikely.
     */
    private static final double MIN_SCORE_STD = 0.07;
    /** Lowest autocorrelation that counts as a season. */
    private static final double MIN_SEASON_CORRELATION = 0.3;

    private final DetectorConfig cfg;
    private final FloatRing values;
    private final FloatRing scores;
    private long count;            // values learned so far
    private long lastTimestamp = Long.MIN_VALUE;
    private long trainedAt;        // count when the model was last trained, 0 = never
    private boolean firing;
    private int quiet;
    private int lastPeriod;        // the season of the current model (0 = none)
    private int next;              // the slot of the oldest tree, replaced at the next retraining
    private Model model;           // part of the state: the trees themselves are checkpointed
    private double scoreSum;       // sum and sum of squares of the kept raw scores (recounted at each training)
    private double scoreSq;

    /**
     * The forest (Smile's trees in compact form, replaced a few at a time), the season its features use, and the
     * training window's statistics. Immutable: a retraining makes a new one, so copies of a detector share it.
     */
    private record Model(CompactForest trees, int subsample, double c, int period, double mean, double std,
                         double[] min, double[] max) {
        double score(double[] x) {
            double s = trees.score(x, c);
            // Isolation trees cut between the training data's minimum and maximum, so anything beyond them lands in
            // the same leaf as the most extreme training point: a value ten times the largest ever seen would score
            // like that largest one. How far a feature lies outside the training range, in range widths, lifts the
            // score towards 1 (one width: 63 % of the way).
            double excess = 0;
            double scale = Math.max(0.01 * (max[0] - min[0]), 1e-9);   // features are in value units
            for (int j = 0; j < x.length; j++) {
                double width = Math.max(max[j] - min[j], scale);
                double out = x[j] > max[j] ? x[j] - max[j] : x[j] < min[j] ? min[j] - x[j] : 0;
                if (out > 0) {
                    excess = Math.max(excess, width > 0 ? out / width : Double.POSITIVE_INFINITY);
                }
            }
            return s + (1 - s) * (1 - Math.exp(-excess));
        }

        void writeTo(DataOutputStream out) throws IOException {
            out.writeInt(subsample);
            out.writeDouble(c);
            out.writeInt(period);
            out.writeDouble(mean);
            out.writeDouble(std);
            for (int j = 0; j < Features.DIMENSIONS; j++) {
                out.writeDouble(min[j]);
                out.writeDouble(max[j]);
            }
            trees.writeTo(out);   // the tree count, then tree by tree
        }

        static Model readFrom(DataInputStream in) throws IOException {
            int subsample = in.readInt();
            double c = in.readDouble();
            int period = in.readInt();
            double mean = in.readDouble();
            double std = in.readDouble();
            double[] min = new double[Features.DIMENSIONS];
            double[] max = new double[Features.DIMENSIONS];
            for (int j = 0; j < Features.DIMENSIONS; j++) {
                min[j] = in.readDouble();
                max[j] = in.readDouble();
            }
            CompactForest trees = CompactForest.readFrom(in);
            return new Model(trees, subsample, c, period, mean, std, min, max);
        }

        long heapBytes() {
            return 80 + 2 * (16 + 8L * min.length) + trees.heapBytes();
        }
    }

    public SeriesDetector(DetectorConfig cfg) {
        this.cfg = cfg;
        this.values = new FloatRing(cfg.historyCapacity());
        this.scores = new FloatRing(cfg.scoreHistory());
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
        Model m = model;
        value = Double.isFinite(value) ? FloatRing.round(value) : value;   // as the history keeps it
        if (!Double.isFinite(value)) {
            return new Detection(timestamp, value, 0, 0, 0, confidence(), mean(m), std(m), value,
                    Detection.Transition.NONE, false);
        }
        boolean learn = timestamp >= lastTimestamp;
        double raw = 0;
        double likelihood = 0;
        if (m != null) {
            raw = m.score(Features.current(values, value, cfg.featureWindow(), m.period()));
            boolean warm = count + 1 >= cfg.minHistory();
            if (learn) {
                addScore(raw);
                likelihood = warm ? averagedLikelihood() : 0;
            } else {
                likelihood = warm ? tailLikelihood(raw, scores.size()) : 0;
            }
        }
        Detection.Transition transition = Detection.Transition.NONE;
        double published = likelihood * DAMPING;
        if (learn) {
            if (!firing && likelihood >= cfg.alarmLikelihood()) {
                firing = true;
                quiet = 0;
                transition = Detection.Transition.FIRE;
                published = likelihood;
            } else if (firing) {
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
        }
        return new Detection(timestamp, value, raw, likelihood, published, confidence(), mean(m), std(m),
                peak(value, learn, m), transition, learn);
    }

    /** Ends a firing episode from outside (e.g. the series went silent); the next anomaly fires anew. */
    public void endEpisode() {
        firing = false;
        quiet = 0;
    }

    /** In [0,1]: the share of a full training window the current model saw. */
    public double confidence() {
        return trainedAt == 0 ? 0 : Math.min(1.0, (double) trainedAt / cfg.trainingWindow());
    }

    /**
     * Primes the detector from stored history (oldest first) so that a restart or a new deployment does not start
     * blind: the same as observing each sample, without reporting episodes.
     *
     * @throws IllegalArgumentException when the arrays differ in length
     */
    public void prime(long[] timestamps, double[] vals) {
        if (timestamps.length != vals.length) {
            throw new IllegalArgumentException("prime: " + timestamps.length + " timestamps but " + vals.length + " values");
        }
        for (int i = 0; i < vals.length; i++) {
            observe(timestamps[i], vals[i]);
        }
        firing = false;
        quiet = 0;
    }

    /** Of the values averaged into the likelihood, the one farthest from the training mean. */
    private double peak(double value, boolean learned, Model m) {
        if (m == null) {
            return value;
        }
        double best = value;
        int k = Math.min(cfg.scoreAverage(), values.size());
        for (int i = learned ? 1 : 0; i < k; i++) {   // once learned, the value itself is values.last(0)
            double v = values.last(i);
            if (Math.abs(v - m.mean()) > Math.abs(best - m.mean())) {
                best = v;
            }
        }
        return best;
    }

    private static double mean(Model m) {
        return m == null ? Double.NaN : m.mean();
    }

    private static double std(Model m) {
        return m == null ? Double.NaN : m.std();
    }

    private void addScore(double raw) {
        if (scores.size() == scores.capacity()) {
            double old = scores.get(0);
            scoreSum -= old;
            scoreSq -= old * old;
        }
        scores.add(raw);
        double r = scores.last(0);
        scoreSum += r;
        scoreSq += r * r;
    }

    /** Recounts the score sums, so that rounding errors cannot pile up over a long-lived series. */
    private void recountScores() {
        scoreSum = 0;
        scoreSq = 0;
        for (int i = 0; i < scores.size(); i++) {
            double r = scores.get(i);
            scoreSum += r;
            scoreSq += r * r;
        }
    }

    private double averagedLikelihood() {
        int n = scores.size();
        int k = Math.min(cfg.scoreAverage(), n);
        double avg = 0;
        for (int i = 0; i < k; i++) {
            avg += scores.last(i);
        }
        return tailLikelihood(avg / k, n - k);
    }

    /** The Gaussian CDF of {@code s} against the oldest {@code n} kept raw scores (the baseline). */
    private double tailLikelihood(double s, int n) {
        if (n < 16) {
            return 0;
        }
        double sum = scoreSum;
        double sq = scoreSq;
        for (int i = n; i < scores.size(); i++) {   // the newest scores are not part of the baseline
            double v = scores.get(i);
            sum -= v;
            sq -= v * v;
        }
        double mean = sum / n;
        double std = Math.max(MIN_SCORE_STD, Math.sqrt(Math.max(0, sq / n - mean * mean)));
        return 1 - 0.5 * Erf.erfc((s - mean) / std / Math.sqrt(2));
    }

    private void maybeRetrain() {
        if (count < 2L * cfg.featureWindow()) {
            return;
        }
        long since = count - trainedAt;
        if (trainedAt == 0) {
            if (count >= Math.max(2L * cfg.featureWindow(), cfg.minHistory() / 4)) {
                train(true);
            }
        } else if (since >= cfg.featureWindow() && drifted()) {
            train(true);
        } else if (since >= cfg.retrainInterval()) {
            train(false);
        }
    }

    /** The last few values' mean lies far outside what the model was trained on. */
    private boolean drifted() {
        int k = cfg.featureWindow();
        double m = 0;
        for (int i = 0; i < k; i++) {
            m += values.last(i);
        }
        m /= k;
        return model != null && Math.abs(m - model.mean()) > 4 * model.std() + 1e-12;
    }

    /**
     * Trains on the last {@code trainingWindow} values: replaces the {@code treesPerRetrain} oldest trees, or grows
     * every tree anew (the first time, after a drift, when the season changed or the subsample grew). The season is
     * looked for at the start of every turnover of the forest, not at every retraining: it is the costliest step.
     */
    private void train(boolean full) {
        trainedAt = count;
        recountScores();
        int end = values.size();
        int start = Math.max(0, end - cfg.trainingWindow());
        int n = end - start;
        int period = lastPeriod;
        if (full || model == null || next == 0) {
            period = Features.period(values, start, end, 2 * cfg.featureWindow(), cfg.maxPeriod(),
                    MIN_SEASON_CORRELATION, lastPeriod);
        }
        int m = Math.min(cfg.subsample(), n);
        full |= model == null || period != model.period() || m != model.subsample();
        lastPeriod = period;
        int grow = full ? cfg.trees() : cfg.treesPerRetrain();
        // every row once (the trees draw 2,048 of these 1,024 rows, and the ranges need them all): Smile only reads them
        double[][] rows = Features.rows(values, start, end, cfg.featureWindow(), period);
        double[] lo = new double[Features.DIMENSIONS];
        double[] hi = new double[Features.DIMENSIONS];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                lo[j] = Math.min(lo[j], row[j]);
                hi[j] = Math.max(hi[j], row[j]);
            }
        }
        IsolationTree[] grown = ForestTrainer.grow(i -> rows[i], n, grow, cfg.subsample(), cfg.seed() * 31 + trainedAt);
        CompactForest compact = CompactForest.of(grown);
        CompactForest trees = full ? compact : model.trees().replace(next, compact);
        next = full ? 0 : (next + grow) % trees.size();

        double s = 0;
        double sq = 0;
        for (int i = start; i < end; i++) {
            double v = values.get(i);
            s += v;
            sq += v * v;
        }
        double mean = s / n;
        double std = Math.sqrt(Math.max(0, sq / n - mean * mean));
        model = new Model(trees, m, full || model.c() == 0 ? CompactForest.normaliser(m) : model.c(), period, mean, std, lo, hi);
    }

    /** Heap bytes of this detector, model included, for capacity planning. */
    public long heapBytes() {
        return 96 + values.heapBytes() + scores.heapBytes() + modelHeapBytes();
    }

    /** Heap bytes of the current model (0 without one), for capacity planning. */
    public long modelHeapBytes() {
        return model == null ? 0 : model.heapBytes();
    }

    /** The state in a compact binary form, trees included. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 4 * values.size() + 4 * scores.size() + (int) modelHeapBytes());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            writeConfig(out, cfg);
            out.writeLong(count);
            out.writeLong(lastTimestamp);
            out.writeLong(trainedAt);
            out.writeBoolean(firing);
            out.writeInt(quiet);
            out.writeInt(lastPeriod);
            out.writeInt(next);
            values.writeTo(out);
            scores.writeTo(out);
            out.writeDouble(scoreSum);
            out.writeDouble(scoreSq);
            out.writeBoolean(model != null);
            if (model != null) {
                model.writeTo(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The inverse of {@link #encode()}.
     *
     * @throws IllegalArgumentException when the bytes are not a detector state
     */
    public static SeriesDetector decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown detector state format " + format);
            }
            DetectorConfig cfg = readConfig(in);
            SeriesDetector d = new SeriesDetector(cfg);
            d.count = in.readLong();
            d.lastTimestamp = in.readLong();
            d.trainedAt = in.readLong();
            d.firing = in.readBoolean();
            d.quiet = in.readInt();
            d.lastPeriod = in.readInt();
            d.next = in.readInt();
            FloatRing v = FloatRing.readFrom(in, cfg.historyCapacity());
            FloatRing s = FloatRing.readFrom(in, cfg.scoreHistory());
            d.scoreSum = in.readDouble();
            d.scoreSq = in.readDouble();
            for (int i = 0; i < v.size(); i++) {
                d.values.add(v.get(i));
            }
            for (int i = 0; i < s.size(); i++) {
                d.scores.add(s.get(i));
            }
            d.model = in.readBoolean() ? Model.readFrom(in) : null;
            if (d.model != null && (d.model.trees().size() != cfg.trees() || d.next < 0 || d.next >= cfg.trees())) {
                throw new IllegalArgumentException("corrupt detector state: " + d.model.trees().size() + " trees, next "
                        + d.next + ", for a configuration of " + cfg.trees());
            }
            return d;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt detector state: " + e.getMessage(), e);
        }
    }

    /** A deep copy of the state; the (immutable) model is shared, so copying never retrains. */
    public SeriesDetector copy() {
        SeriesDetector d = new SeriesDetector(cfg);
        for (int i = 0; i < values.size(); i++) {
            d.values.add(values.get(i));
        }
        for (int i = 0; i < scores.size(); i++) {
            d.scores.add(scores.get(i));
        }
        d.count = count;
        d.lastTimestamp = lastTimestamp;
        d.trainedAt = trainedAt;
        d.firing = firing;
        d.quiet = quiet;
        d.lastPeriod = lastPeriod;
        d.next = next;
        d.model = model;
        d.scoreSum = scoreSum;
        d.scoreSq = scoreSq;
        return d;
    }

    /**
     * This detector under another configuration (after a rule change): a new detector primed with the values kept
     * here, or this one when the configuration is the same.
     */
    public SeriesDetector reconfigured(DetectorConfig other) {
        if (other.equals(cfg)) {
            return this;
        }
        SeriesDetector d = new SeriesDetector(other);
        int n = values.size();
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = lastTimestamp - (n - 1 - i);
            vs[i] = values.get(i);
        }
        d.prime(ts, vs);
        d.lastTimestamp = lastTimestamp;
        return d;
    }

    private static void writeConfig(DataOutputStream out, DetectorConfig c) throws IOException {
        out.writeInt(c.trainingWindow());
        out.writeInt(c.featureWindow());
        out.writeInt(c.retrainInterval());
        out.writeInt(c.minHistory());
        out.writeInt(c.trees());
        out.writeInt(c.treesPerRetrain());
        out.writeInt(c.subsample());
        out.writeInt(c.scoreHistory());
        out.writeInt(c.scoreAverage());
        out.writeDouble(c.sensitivity());
        out.writeInt(c.quietSamples());
        out.writeLong(c.seed());
    }

    private static DetectorConfig readConfig(DataInputStream in) throws IOException {
        return new DetectorConfig(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readInt(), in.readInt(), in.readInt(), in.readDouble(), in.readInt(), in.readLong());
    }
}

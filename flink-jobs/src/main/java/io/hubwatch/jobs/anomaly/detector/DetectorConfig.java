package io.hubwatch.jobs.anomaly.detector;

import java.io.Serializable;

/**
 * The detector's tuning, one instance for every series of a metric (and, in the backtest, for every file).
 *
 * <pre>{@code
 * DetectorConfig cfg = DetectorConfig.defaults().withSensitivity(0.7).withMinHistory(200);
 * SeriesDetector d = new SeriesDetector(cfg);
 * }</pre>
 *
 * @param trainingWindow  how many recent samples a model is trained on
 * @param featureWindow   how many recent samples (including the current one) make up a feature vector
 * @param retrainInterval retrain after this many new samples (earlier when the data drifts)
 * @param minHistory      no score and no incident before a series has this many samples (cold start); the first
 *                        model is trained at a quarter of it, so the score baseline is ready when it ends
 * @param trees           isolation trees per forest
 * @param treesPerRetrain how many of the oldest trees a retraining replaces (all of them when the data drifted or the
 *                        season changed)
 * @param subsample       samples drawn (without replacement) for each tree
 * @param scoreHistory    how many recent raw scores make up the baseline of the likelihood
 * @param scoreAverage    how many recent raw scores are averaged before comparing with the baseline
 * @param sensitivity     in (0,1): higher fires on smaller deviations; sets the likelihood an incident needs
 * @param quietSamples    an episode resolves after this many samples in a row below the resolve level
 * @param seed            seed of every random choice, so equal input gives equal scores
 */
public record DetectorConfig(int trainingWindow, int featureWindow, int retrainInterval, int minHistory, int trees,
                             int treesPerRetrain, int subsample, int scoreHistory, int scoreAverage, double sensitivity, int quietSamples,
                             long seed) implements Serializable {

    public DetectorConfig {
        check(trainingWindow >= 16, "trainingWindow must be at least 16, was " + trainingWindow);
        check(featureWindow >= 2 && featureWindow <= trainingWindow,
                "featureWindow must be between 2 and trainingWindow, was " + featureWindow);
        check(retrainInterval >= 1, "retrainInterval must be at least 1, was " + retrainInterval);
        check(minHistory >= featureWindow, "minHistory must be at least featureWindow (" + featureWindow + "), was " + minHistory);
        check(trees >= 1 && trees <= 1000, "trees must be between 1 and 1000, was " + trees);
        check(treesPerRetrain >= 1 && treesPerRetrain <= trees,
                "treesPerRetrain must be between 1 and trees (" + trees + "), was " + treesPerRetrain);
        check(subsample >= 4 && subsample <= 128, "subsample must be between 4 and 128, was " + subsample);
        check(scoreHistory >= 16, "scoreHistory must be at least 16, was " + scoreHistory);
        check(scoreAverage >= 1 && scoreAverage < scoreHistory, "scoreAverage must be between 1 and scoreHistory, was " + scoreAverage);
        check(sensitivity > 0 && sensitivity < 1, "sensitivity must be in (0,1), was " + sensitivity);
        check(quietSamples >= 1, "quietSamples must be at least 1, was " + quietSamples);
    }

    /** The one configuration used for every series unless a rule says otherwise (and for every NAB file). */
    public static DetectorConfig defaults() {
        return new DetectorConfig(1024, 8, 64, 256, 32, 32, 64, 1000, 4, 0.5, 8, 42L);
    }

    public DetectorConfig withSensitivity(double s) {
        return new DetectorConfig(trainingWindow, featureWindow, retrainInterval, minHistory, trees, treesPerRetrain, subsample,
                scoreHistory, scoreAverage, s, quietSamples, seed);
    }

    public DetectorConfig withMinHistory(int n) {
        return new DetectorConfig(trainingWindow, featureWindow, retrainInterval, n, trees, treesPerRetrain, subsample,
                scoreHistory, scoreAverage, sensitivity, quietSamples, seed);
    }

    public DetectorConfig withRetrainInterval(int n) {
        return new DetectorConfig(trainingWindow, featureWindow, n, minHistory, trees, treesPerRetrain, subsample,
                scoreHistory, scoreAverage, sensitivity, quietSamples, seed);
    }

    /** {@code trees} trees on {@code subsample}-row samples, {@code perRetrain} of them replaced every {@code interval} samples. */
    public DetectorConfig withForest(int trees, int perRetrain, int subsample, int interval) {
        return new DetectorConfig(trainingWindow, featureWindow, interval, minHistory, trees, perRetrain, subsample,
                scoreHistory, scoreAverage, sensitivity, quietSamples, seed);
    }

    public DetectorConfig withScoreAverage(int n) {
        return new DetectorConfig(trainingWindow, featureWindow, retrainInterval, minHistory, trees, treesPerRetrain, subsample,
                scoreHistory, n, sensitivity, quietSamples, seed);
    }

    public DetectorConfig withSeed(long s) {
        return new DetectorConfig(trainingWindow, featureWindow, retrainInterval, minHistory, trees, treesPerRetrain, subsample,
                scoreHistory, scoreAverage, sensitivity, quietSamples, s);
    }

    /**
     * The likelihood at which an episode fires: 0.995 at sensitivity 0.5; each 0.1 of sensitivity moves the tail
     * probability by a factor of about 1.6 (0.9 gives 0.968, 0.1 gives 0.9992).
     */
    public double alarmLikelihood() {
        return 1 - 0.005 * Math.pow(10, 2 * (sensitivity - 0.5));
    }

    /** The longest season looked for: half the training window, so that a model sees at least two. */
    public int maxPeriod() {
        return trainingWindow / 2;
    }

    /** Below this likelihood a sample counts as quiet for resolving an episode. */
    public double resolveLikelihood() {
        return 0.9;
    }

    /** Values kept per series: the training window, the samples since the last training and one feature window. */
    public int historyCapacity() {
        return trainingWindow + retrainInterval + Features.span(featureWindow, maxPeriod());
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

package io.hubwatch.jobs.anomaly.detector;

/**
 * What the detector says about one sample.
 *
 * @param timestamp    the sample's event time (epoch ms)
 * @param value        the sample value
 * @param score        the raw Isolation Forest score in (0,1], 0 while there is no model
 * @param likelihood   how unusual the recent scores are against the series' own score history, in [0,1]
 * @param anomalyScore the score published for this sample (what the backtest writes): the likelihood, damped
 *                     after an episode has fired so that one anomaly is reported once
 * @param confidence   in [0,1], grows with the history the model was trained on
 * @param mean         the series' recent mean
 * @param std          the series' recent standard deviation
 * @param peak         of the last few samples (those averaged into the likelihood), the value farthest from the mean:
 *                     the sample that most likely caused a detection, which may come a sample or two after it
 * @param transition   whether this sample starts or ends an anomaly episode
 * @param learned      whether the sample went into the history (false for out-of-order or non-finite values)
 */
public record Detection(long timestamp, double value, double score, double likelihood, double anomalyScore,
                        double confidence,
                        double mean, double std, double peak, Transition transition, boolean learned) {

    /** Episode changes a sample can cause. */
    public enum Transition { NONE, FIRE, RESOLVE }

    /** The z-score of the {@link #peak} against the recent statistics, 0 when there are none. */
    public double zScore() {
        return std > 0 && Double.isFinite(peak) ? (peak - mean) / std : 0;
    }

    public double expectedLow() {
        return mean - 3 * std;
    }

    public double expectedHigh() {
        return mean + 3 * std;
    }
}

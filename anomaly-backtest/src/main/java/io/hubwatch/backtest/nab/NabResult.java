package io.hubwatch.backtest.nab;

/**
 * The NAB result of one detector under one profile.
 *
 * @param threshold       the swept threshold ({@code +Infinity} when never firing was best)
 * @param raw             the summed raw score over all files
 * @param nullScore       the raw score of a detector that never fires
 * @param perfectScore    the raw score of a perfect detector
 * @param score           the normalised score: 0 = null, 100 = perfect
 * @param detectedWindows windows with at least one detection
 * @param missedWindows   scored windows without one
 * @param falsePositives  detections outside every window
 */
public record NabResult(NabProfile profile, double threshold, double raw, double nullScore, double perfectScore,
                        double score, int detectedWindows, int missedWindows, int falsePositives) {}

package io.hubwatch.backtest.nab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Hand-made files whose NAB scores are worked out by hand. A file of 20 rows has a probationary period of
 * floor(0.15 * 20) = 3 rows; its one window spans rows 10..14 (width 5). The scaled sigmoid is
 * f(x) = 2 / (1 + e^(5x)) - 1, so f(-1) = 0.986614 is the earliest reward, which normalises to exactly 1.
 */
class NabScorerTest {
    private static final double F_MINUS_1 = 2 / (1 + Math.exp(-5)) - 1;

    private static List<String> times(int n) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add(String.format("2020-01-01 %02d:%02d:00", i / 60, i % 60));
        }
        return t;
    }

    private static NabFile fileWithWindow(String name) {
        return new NabFile(name, times(20), List.<String[]>of(new String[]{"2020-01-01 00:10:00.000000", "2020-01-01 00:14:00.000000"}));
    }

    /** 0.9 on the given rows, no detection (NaN) elsewhere. */
    private static double[] detections(int n, int... rows) {
        double[] s = new double[n];
        java.util.Arrays.fill(s, Double.NaN);
        for (int r : rows) {
            s[r] = 0.9;
        }
        return s;
    }

    @Test
    void aDetectionAtTheStartOfTheWindowScoresAPerfectHundred() {
        NabScorer scorer = new NabScorer(List.of(fileWithWindow("a.csv")));
        NabResult r = scorer.score(Map.of("a.csv", detections(20, 10)), NabProfile.STANDARD);
        assertThat(r.raw()).isCloseTo(1.0, within(1e-9));
        assertThat(r.nullScore()).isEqualTo(-1.0);
        assertThat(r.perfectScore()).isEqualTo(1.0);
        assertThat(r.score()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void aDetectionOnTheLastRowOfTheWindowEarnsTheSigmoidOfMinusOneFifth() {
        // x = -(14 - 14 + 1) / 5 = -0.2; f(-0.2) / f(-1) = 0.462117 / 0.986614 = 0.468387
        double expectedRaw = (2 / (1 + Math.exp(-1.0)) - 1) / F_MINUS_1;
        NabResult r = new NabScorer(List.of(fileWithWindow("a.csv")))
                .score(Map.of("a.csv", detections(20, 14)), NabProfile.STANDARD);
        assertThat(r.raw()).isCloseTo(expectedRaw, within(1e-9));
        assertThat(r.score()).isCloseTo(100 * (expectedRaw + 1) / 2, within(1e-9));   // 73.42
        assertThat(r.score()).isCloseTo(73.42, within(0.01));
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCounts() {
        NabResult r = new NabScorer(List.of(fileWithWindow("a.csv")))
                .score(Map.of("a.csv", detections(20, 10, 12, 14)), NabProfile.STANDARD);
        assertThat(r.raw()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aFalsePositiveBeforeAnyWindowCostsTheFullFpWeight() {
        // the FP (row 5) scores higher than the TP (row 10), so any threshold that keeps the TP keeps the FP:
        // raw = 1 - 0.11 = 0.89, normalised 100 * (0.89 + 1) / 2 = 94.5
        double[] s = detections(20);
        s[5] = 0.95;
        s[10] = 0.9;
        NabResult r = new NabScorer(List.of(fileWithWindow("a.csv"))).score(Map.of("a.csv", s), NabProfile.STANDARD);
        assertThat(r.falsePositives()).isEqualTo(1);
        assertThat(r.raw()).isCloseTo(0.89, within(1e-9));
        assertThat(r.score()).isCloseTo(94.5, within(1e-9));
        // the low-FP profile doubles the cost: 1 - 0.22 = 0.78
        assertThat(new NabScorer(List.of(fileWithWindow("a.csv"))).score(Map.of("a.csv", s), NabProfile.REWARD_LOW_FP).raw())
                .isCloseTo(0.78, within(1e-9));
    }

    @Test
    void aFalsePositiveAfterAWindowCostsLessTheCloserItIs() {
        // row 17: x = (17 - 14) / (5 - 1) = 0.75, f(0.75) = 2 / (1 + e^3.75) - 1 = -0.954045
        NabResult r = new NabScorer(List.of(fileWithWindow("a.csv")))
                .scoreAt(Map.of("a.csv", detections(20, 10, 17)), NabProfile.STANDARD, 0.5);
        double penalty = 0.11 * (2 / (1 + Math.exp(3.75)) - 1);
        assertThat(r.raw()).isCloseTo(1.0 + penalty, within(1e-9));
    }

    @Test
    void anEmptyWindowCostsTheFnWeightAndTheSweepPrefersNeverFiringOverOnlyFalsePositives() {
        NabScorer scorer = new NabScorer(List.of(fileWithWindow("a.csv")));
        NabResult standard = scorer.score(Map.of("a.csv", detections(20, 4)), NabProfile.STANDARD);
        assertThat(standard.threshold()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(standard.raw()).isEqualTo(-1.0);
        assertThat(standard.score()).isEqualTo(0.0);
        NabResult lowFn = scorer.scoreAt(Map.of("a.csv", detections(20)), NabProfile.REWARD_LOW_FN, 0.5);
        assertThat(lowFn.raw()).isEqualTo(-2.0);
        assertThat(lowFn.score()).isEqualTo(0.0);
    }

    @Test
    void aFileWithNoWindowsOnlyAddsFalsePositives() {
        NabFile empty = new NabFile("b.csv", times(20), List.of());
        NabScorer scorer = new NabScorer(List.of(fileWithWindow("a.csv"), empty));
        NabResult r = scorer.scoreAt(Map.of("a.csv", detections(20, 10), "b.csv", detections(20, 8)), NabProfile.STANDARD, 0.5);
        assertThat(r.raw()).isCloseTo(1.0 - 0.11, within(1e-9));
        assertThat(r.perfectScore()).isEqualTo(1.0);
    }

    @Test
    void detectionsInTheProbationaryPeriodAreIgnored() {
        NabResult r = new NabScorer(List.of(fileWithWindow("a.csv")))
                .scoreAt(Map.of("a.csv", detections(20, 0, 1, 2, 10)), NabProfile.STANDARD, 0.5);
        assertThat(r.falsePositives()).isZero();
        assertThat(r.raw()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void theSweepPicksTheThresholdWithTheBestTotal() {
        double[] s = detections(20);
        s[10] = 0.6;   // the TP
        s[5] = 0.8;    // an FP above it: cheaper to keep (1 - 0.11) than to lose the window (-1)
        s[6] = 0.7;
        NabResult r = new NabScorer(List.of(fileWithWindow("a.csv"))).score(Map.of("a.csv", s), NabProfile.STANDARD);
        assertThat(r.threshold()).isEqualTo(0.6);
        assertThat(r.raw()).isCloseTo(1.0 - 0.22, within(1e-9));
    }

    @Test
    void aWindowTimestampMissingFromTheFileIsAnErrorNamingTheFile() {
        assertThatThrownBy(() -> new NabFile("c.csv", times(5), List.<String[]>of(new String[]{"2021-01-01 00:00:00", "2021-01-01 00:01:00"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c.csv").hasMessageContaining("not in the data file");
    }
}

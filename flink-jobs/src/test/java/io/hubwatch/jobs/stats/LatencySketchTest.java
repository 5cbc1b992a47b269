package io.hubwatch.jobs.stats;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The sketch's quantiles are within 1 % of the exact nearest-rank quantiles, and merging loses nothing. */
class LatencySketchTest {

    static double exact(double[] sorted, double q) {
        int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
        return sorted[rank - 1];
    }

    private static double[] lognormal(long seed, int n, double median, double sigma) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = median * Math.exp(sigma * random.nextGaussian());
        }
        return values;
    }

    @Test
    void quantilesOfHeavyTailedLatenciesAreWithinOnePercentOfTheExactValues() {
        double[] values = lognormal(7, 100_000, 250, 1.2);
        LatencySketch sketch = new LatencySketch();
        for (double v : values) {
            sketch.add(v);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
            double expected = exact(values, q);
            assertThat(sketch.quantile(q)).as("q=%s", q).isCloseTo(expected, within(expected * 0.01));
        }
    }

    @Test
    void mergedSketchesAnswerAsOneSketchOfAllValues() {
        double[] a = lognormal(1, 5_000, 40, 0.5);
        double[] b = lognormal(2, 5_000, 4_000, 0.8);
        LatencySketch left = new LatencySketch();
        LatencySketch right = new LatencySketch();
        LatencySketch all = new LatencySketch();
        for (double v : a) {
            left.add(v);
            all.add(v);
        }
        for (double v : b) {
            right.add(v);
            all.add(v);
        }
        right.add(0);
        all.add(0);

        left.merge(right);

        assertThat(left).isEqualTo(all);
        assertThat(left.count()).isEqualTo(10_001);
    }

    @Test
    void zeroesAndSmallValuesAreCountedAndAnEmptySketchHasNoQuantile() {
        LatencySketch sketch = new LatencySketch();
        assertThat(sketch.quantile(0.5)).isNaN();
        sketch.add(0);
        sketch.add(0.05);
        sketch.add(0.05);
        assertThat(sketch.quantile(0.3)).isZero();
        assertThat(sketch.quantile(0.9)).isCloseTo(0.05, within(0.05 * 0.01));
    }
}

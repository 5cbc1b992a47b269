package io.hubwatch.jobs.anomaly.detector;

import io.hubwatch.jobs.anomaly.detector.internal.FloatRing;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class FeaturesTest {

    /** {@code current} reads the ring in place; it must give exactly what the copied window gives. */
    @Test
    void theCurrentSamplesFeaturesReadInPlaceAreThoseOfTheCopiedWindowBitForBit() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int capacity : new int[]{5, 40, 300}) {
            FloatRing ring = new FloatRing(capacity);
            for (int t = 0; t < 3 * capacity; t++) {
                double value = FloatRing.round(100 * Math.sin(t / 7.0) + rnd.nextGaussian());
                for (int period : new int[]{0, 1, 3, 16, 96}) {
                    for (int window : new int[]{2, 8}) {
                        int n = Math.min(period + window - 1, ring.size());
                        double[] w = new double[n + 1];
                        for (int i = 0; i < n; i++) {
                            w[i] = ring.get(ring.size() - n + i);
                        }
                        w[n] = value;
                        assertThat(Features.current(ring, value, window, period))
                                .as("t %d period %d window %d", t, period, window)
                                .containsExactly(Features.of(w, n + 1, window, period));
                    }
                }
                ring.add(value);
            }
        }
    }

    /** The season search sums four lags per pass; each sum must be the plain loop's, bit for bit. */
    @Test
    void theAutocorrelationOfFourLagsPerPassIsThePlainLoopsBitForBit() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int n : new int[]{40, 101, 1024}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Math.sin(i / 3.0) * 1e3 + rnd.nextGaussian();
            }
            double var = 7.25;
            for (int from : new int[]{0, 1, 15}) {
                int to = Math.min(n / 2 + 1, n - 1);
                double[] acf = new double[n + 1];
                Features.autocorrelation(x, n, var, from, to, acf);
                for (int lag = from; lag <= to; lag++) {
                    double c = 0;
                    for (int i = lag; i < n; i++) {
                        c += x[i] * x[i - lag];
                    }
                    assertThat(acf[lag]).as("n %d lag %d", n, lag).isEqualTo(c / var);
                }
            }
        }
    }

    /** Training rows come from one copy of the values; each must be {@code at}'s row for that index, bit for bit. */
    @Test
    void theTrainingRowsAreThoseOfAtBitForBit() {
        SplittableRandom rnd = new SplittableRandom(9);
        FloatRing ring = new FloatRing(700);
        for (int t = 0; t < 1000; t++) {
            ring.add(50 * Math.sin(t / 11.0) + rnd.nextGaussian());
            if (t % 97 == 0 || t == 999) {
                for (int period : new int[]{0, 1, 5, 96, 300}) {
                    for (int window : new int[]{2, 8}) {
                        for (int start : new int[]{0, 1, ring.size() / 3, ring.size() - 1}) {
                            double[][] rows = Features.rows(ring, start, ring.size(), window, period);
                            assertThat(rows.length).isEqualTo(ring.size() - start);
                            for (int i = 0; i < rows.length; i++) {
                                assertThat(rows[i]).as("t %d period %d start %d row %d", t, period, start, i)
                                        .containsExactly(Features.at(ring, start + i, window, period));
                            }
                        }
                    }
                }
            }
        }
    }
}

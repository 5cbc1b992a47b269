package io.hubwatch.jobs.anomaly.detector;

import io.hubwatch.jobs.anomaly.detector.internal.FftAutocorrelation;
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

    /** The FFT's sums are approximations; the season search relies on their error staying far below its bound. */
    @Test
    void theFftAutocorrelationSumsAreWithinTheirBoundOfThePlainSums() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int n : new int[]{3, 64, 100, 1024, 1500}) {
            double[] x = new double[n];
            double sq = 0;
            for (int i = 0; i < n; i++) {
                x[i] = 1e4 * Math.sin(i / 9.0) + rnd.nextGaussian() * 100 - 37;
                sq += x[i] * x[i];
            }
            int maxLag = Math.min(n / 2 + 1, n - 1);
            double[] r = FftAutocorrelation.sums(x, n, maxLag);
            for (int lag = 0; lag <= maxLag; lag++) {
                double c = 0;
                for (int i = lag; i < n; i++) {
                    c += x[i] * x[i - lag];
                }
                assertThat(Math.abs(r[lag] - c) / sq).as("n %d lag %d", n, lag)
                        .isLessThan(FftAutocorrelation.ERROR_BOUND * 1e-3);
            }
        }
    }

    /**
     * The season search checks only the lags the FFT leaves in doubt: it must find the plain search's season on every
     * kind of series (seasons, noise, steps, trends, near-ties, a current season to keep), and with every window.
     */
    @Test
    void theSeasonSearchWithTheFftPrePassFindsThePlainSearchsSeason() {
        SplittableRandom rnd = new SplittableRandom(23);
        int[] seasons = {0, 17, 24, 60, 96, 144, 288, 500};
        int found = 0;
        for (int k = 0; k < 400; k++) {
            int season = seasons[k % seasons.length];
            double noise = new double[]{0, 0.1, 1, 5, 50}[k % 5];
            int kind = k % 7;
            FloatRing ring = new FloatRing(1400);
            for (int t = 0; t < 1400; t++) {
                double v = switch (kind) {
                    case 0 -> season == 0 ? 0 : 10 * Math.sin(2 * Math.PI * t / season);
                    case 1 -> season == 0 ? 0 : (t % season < season / 4 ? 10 : 0);            // a square wave
                    case 2 -> t > 700 ? 5 : 0;                                                 // a step
                    case 3 -> 0.01 * t;                                                        // a trend
                    case 4 -> season == 0 ? 0 : 10 * Math.sin(2 * Math.PI * t / season) + 9 * Math.sin(2 * Math.PI * t / (season + 1));
                    case 5 -> Math.round(3 * Math.sin(2 * Math.PI * t / Math.max(season, 20)));   // few distinct values: ties
                    default -> 0;
                };
                ring.add(FloatRing.round(1000 + v + noise * rnd.nextGaussian()));
            }
            for (int[] range : new int[][]{{0, 1400}, {376, 1400}, {0, 40}, {100, 300}, {1000, 1130}}) {
                for (int current : new int[]{0, season, season + 1, 16 + rnd.nextInt(400)}) {
                    int plain = Features.periodPlain(ring, range[0], range[1], 16, 512, 0.3, current);
                    assertThat(Features.period(ring, range[0], range[1], 16, 512, 0.3, current))
                            .as("series %d (kind %d, season %d, noise %s) range %d..%d current %d",
                                    k, kind, season, noise, range[0], range[1], current)
                            .isEqualTo(plain);
                    found += plain > 0 ? 1 : 0;
                }
            }
        }
        assertThat(found).as("cases with a season").isGreaterThan(1000);
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

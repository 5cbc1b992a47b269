package io.hubwatch.jobs.anomaly.detector;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntToDoubleFunction;

import static io.hubwatch.jobs.anomaly.detector.SyntheticSeries.sine;
import static io.hubwatch.jobs.anomaly.detector.SyntheticSeries.ts;
import static org.assertj.core.api.Assertions.assertThat;

class SeriesDetectorTest {
    private static final int N = 3000;
    private static final int CHANGE = 2200;

    /** Indices of the samples that fired an episode. */
    private static List<Integer> fires(double[] values) {
        SeriesDetector d = new SeriesDetector(DetectorConfig.defaults());
        List<Integer> fired = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (d.observe(ts(i), values[i]).transition() == Detection.Transition.FIRE) {
                fired.add(i);
            }
        }
        return fired;
    }

    private static double[] withChange(IntToDoubleFunction before, IntToDoubleFunction after) {
        return SyntheticSeries.of(N, i -> i < CHANGE ? before.applyAsDouble(i) : after.applyAsDouble(i));
    }

    private static void assertFlaggedWithin(double[] values, int maxDelay) {
        List<Integer> fired = fires(values);
        assertThat(fired).as("episodes fired").anySatisfy(i -> assertThat(i).isBetween(CHANGE, CHANGE + maxDelay));
    }

    @Test
    void aSpikeIsFlaggedWithinFiveSamples() {
        IntToDoubleFunction base = sine(96, 1.0, 1);
        assertFlaggedWithin(SyntheticSeries.of(N, i -> i == CHANGE ? base.applyAsDouble(i) + 25 : base.applyAsDouble(i)), 5);
    }

    @Test
    void aLevelShiftIsFlaggedWithinTenSamples() {
        IntToDoubleFunction base = sine(96, 1.0, 2);
        assertFlaggedWithin(withChange(base, i -> base.applyAsDouble(i) + 15), 10);
    }

    @Test
    void aChangeOfVarianceIsFlaggedWithinFiftySamples() {
        IntToDoubleFunction quiet = sine(96, 1.0, 3);
        IntToDoubleFunction noisy = sine(96, 5.0, 3);
        assertFlaggedWithin(withChange(quiet, noisy), 50);
    }

    @Test
    void aChangeOfFrequencyIsFlaggedWithinFiftySamples() {
        assertFlaggedWithin(withChange(sine(96, 0.5, 4), sine(12, 0.5, 4)), 50);
    }

    @Test
    void aConstantSeriesRaisesNothing() {
        assertThat(fires(SyntheticSeries.of(N, i -> 42.0))).isEmpty();
    }

    @Test
    void aCleanSineRaisesNothing() {
        assertThat(fires(SyntheticSeries.of(N, sine(96, 0.0, 5)))).isEmpty();
    }

    @Test
    void nothingFiresBeforeTheMinimumHistoryAndConfidenceGrowsWithHistory() {
        DetectorConfig cfg = DetectorConfig.defaults();
        SeriesDetector d = new SeriesDetector(cfg);
        double[] v = SyntheticSeries.of(N, sine(96, 1.0, 6));
        List<Double> confidence = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            double x = i == 20 ? 1000 : v[i];   // an enormous spike while cold
            Detection r = d.observe(ts(i), x);
            if (i + 1 < cfg.minHistory()) {   // sample i is the (i+1)-th
                assertThat(r.transition()).isEqualTo(Detection.Transition.NONE);
                assertThat(r.anomalyScore()).isZero();
            }
            if (i % 200 == 0) {
                confidence.add(r.confidence());
            }
        }
        assertThat(confidence).isSorted();
        assertThat(confidence.get(0)).isZero();
        assertThat(confidence.get(confidence.size() - 1)).isEqualTo(1.0);
    }

    @Test
    void nanValuesAndOutOfOrderSamplesNeitherCrashNorChangeTheState() {
        double[] v = SyntheticSeries.of(1500, sine(96, 1.0, 7));
        SeriesDetector clean = new SeriesDetector(DetectorConfig.defaults());
        SeriesDetector messy = new SeriesDetector(DetectorConfig.defaults());
        Random r = new Random(7);
        for (int i = 0; i < v.length; i++) {
            clean.observe(ts(i), v[i]);
            messy.observe(ts(i), v[i]);
            if (i % 37 == 0) {
                assertThat(messy.observe(ts(i) + 1, Double.NaN).learned()).isFalse();
                messy.observe(ts(i) + 2, Double.POSITIVE_INFINITY);
            }
            if (i % 53 == 0 && i > 10) {
                Detection late = messy.observe(ts(i - 1 - r.nextInt(10)), v[i] + 40);
                assertThat(late.learned()).isFalse();
            }
        }
        assertThat(messy.encode()).isEqualTo(clean.encode());
    }

    @Test
    void repeatedTimestampsAndGapsDoNotCrashOrRaiseIncidentsOnNormalData() {
        double[] v = SyntheticSeries.of(N, sine(96, 1.0, 8));
        SeriesDetector d = new SeriesDetector(DetectorConfig.defaults());
        List<Integer> fired = new ArrayList<>();
        long t = SyntheticSeries.T0;
        for (int i = 0; i < N; i++) {
            if (i % 100 != 0) {
                t += SyntheticSeries.STEP_MS;   // every 100th sample repeats the previous timestamp
            }
            if (i == 1800) {
                t += 86_400_000L;   // a one-day gap
            }
            Detection r = d.observe(t, v[i]);
            assertThat(r.anomalyScore()).isBetween(0.0, 1.0);
            if (r.transition() == Detection.Transition.FIRE && i > 1000) {
                fired.add(i);
            }
        }
        assertThat(fired).as("fires on normal data after warm-up").hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void theSameSeedGivesTheSameScoresEvenWhenDetectorsRunInParallel() throws Exception {
        double[] v = SyntheticSeries.of(1500, sine(96, 1.0, 9));
        CompletableFuture<double[]> a = CompletableFuture.supplyAsync(() -> scores(v, 42));
        CompletableFuture<double[]> b = CompletableFuture.supplyAsync(() -> scores(v, 42));
        double[] c = scores(v, 42);
        assertThat(a.get()).containsExactly(c);
        assertThat(b.get()).containsExactly(c);
        assertThat(scores(v, 43)).isNotEqualTo(c);
        assertThat(ForestTrainer.deterministic()).isTrue();
    }

    private static double[] scores(double[] v, long seed) {
        SeriesDetector d = new SeriesDetector(DetectorConfig.defaults().withSeed(seed));
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = d.observe(ts(i), v[i]).score();
        }
        return out;
    }

    @Test
    void aRestoredDetectorScoresExactlyLikeTheOriginal() {
        double[] v = SyntheticSeries.of(2000, sine(96, 1.0, 10));
        SeriesDetector original = new SeriesDetector(DetectorConfig.defaults());
        for (int i = 0; i < 1300; i++) {
            original.observe(ts(i), v[i]);
        }
        SeriesDetector restored = SeriesDetector.decode(original.encode());
        SeriesDetector copy = original.copy();
        for (int i = 1300; i < 2000; i++) {
            Detection a = original.observe(ts(i), v[i]);
            assertThat(restored.observe(ts(i), v[i])).isEqualTo(a);
            assertThat(copy.observe(ts(i), v[i])).isEqualTo(a);
        }
    }

    /**
     * A state encoded by the detector of commit a8f8d48 (one object per tree; 8 trees, 2 replaced every 16 samples, so
     * the slot of the oldest tree is not 0), and the raw and published scores that detector gave for the next 200
     * samples, a spike among them (files made by running that commit's classes). The forest-wide layout must restore
     * it, write it back byte for byte and score on exactly as it did: `up` restores keyed state across upgrades.
     */
    @Test
    void aStateFromTheOneObjectPerTreeLayoutRestoresAndScoresOnExactlyAsBefore() throws Exception {
        byte[] old;
        try (var in = getClass().getResourceAsStream("/anomaly/detector-state-format2.bin")) {
            old = in.readAllBytes();
        }
        List<String> expected;
        try (var in = getClass().getResourceAsStream("/anomaly/detector-state-format2.scores")) {
            expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines().toList();
        }
        SeriesDetector d = SeriesDetector.decode(old);
        assertThat(d.encode()).isEqualTo(old);
        assertThat(d.config()).isEqualTo(DetectorConfig.defaults().withForest(8, 2, 64, 16));

        List<String> scores = new ArrayList<>();
        for (int i = 1700; i < 1900; i++) {
            double v = 50 + 10 * Math.sin(2 * Math.PI * i / 96) + 3 * Math.sin(i * 1.7) + ((i * 7919) % 13) / 5.0;
            Detection r = d.observe(i * 60_000L, i == 1850 ? v + 40 : v);
            scores.add(Long.toHexString(Double.doubleToLongBits(r.score())) + " "
                    + Long.toHexString(Double.doubleToLongBits(r.anomalyScore())));
        }
        assertThat(scores).isEqualTo(expected);
    }

    @Test
    void stateAndHeapStayUnder32KilobytesWhateverTheSeriesLength() {
        SeriesDetector d = new SeriesDetector(DetectorConfig.defaults());
        double[] v = SyntheticSeries.of(6000, sine(96, 1.0, 11));
        int most = 0;
        long mostHeap = 0;
        for (int i = 0; i < v.length; i++) {
            d.observe(ts(i), v[i]);
            if (i % 100 == 0) {
                most = Math.max(most, d.encode().length);
                mostHeap = Math.max(mostHeap, d.heapBytes());
            }
        }
        assertThat(most).as("checkpointed bytes, trees included").isLessThan(32 * 1024);
        assertThat(mostHeap).as("heap bytes").isLessThan(32 * 1024);
    }

    @Test
    void theForestIsPartOfTheStateSoARestoredDetectorNeverRetrainsToCarryOn() {
        double[] v = SyntheticSeries.of(1100, sine(96, 1.0, 13));
        SeriesDetector original = new SeriesDetector(DetectorConfig.defaults());
        for (int i = 0; i < v.length; i++) {
            original.observe(ts(i), v[i]);
        }
        SeriesDetector restored = SeriesDetector.decode(original.encode());

        assertThat(restored.modelHeapBytes()).isEqualTo(original.modelHeapBytes()).isPositive();
        assertThat(restored.encode()).isEqualTo(original.encode());
    }

    @Test
    void primingFromHistoryLetsANewDetectorFlagAnAnomalyAtOnce() {
        double[] v = SyntheticSeries.of(1300, sine(96, 1.0, 12));
        long[] t = new long[1200];
        for (int i = 0; i < t.length; i++) {
            t[i] = ts(i);
        }
        SeriesDetector d = new SeriesDetector(DetectorConfig.defaults());
        d.prime(t, Arrays.copyOf(v, 1200));
        assertThat(d.confidence()).isEqualTo(1.0);
        boolean fired = false;
        for (int i = 1200; i < 1210; i++) {
            fired |= d.observe(ts(i), i == 1205 ? v[i] + 30 : v[i]).transition() == Detection.Transition.FIRE;
        }
        assertThat(fired).isTrue();
    }
}

package io.hubwatch.jobs.anomaly.detector.internal;

import io.hubwatch.jobs.anomaly.detector.ForestTrainer;
import org.junit.jupiter.api.Test;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compact forest the detector keeps in its state scores exactly as Smile's own forest does, so a Smile upgrade
 * that changes its trees cannot change the detector's results silently.
 */
class CompactForestTest {

    private static double[][] rows(long seed, int n) {
        Random r = new Random(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new double[]{100 + 10 * r.nextGaussian(), r.nextGaussian(), Math.abs(r.nextGaussian() * 3)};
        }
        return rows;
    }

    @Test
    void theCompactForestScoresBitForBitLikeSmilesScore() {
        double[][] train = rows(7, 1024);
        IsolationTree[] trees = ForestTrainer.grow(i -> train[i], train.length, 32, 64, 42L);
        IsolationForest smile = new IsolationForest(64, 0, trees);
        CompactForest compact = CompactForest.of(trees);
        double c = CompactForest.normaliser(64);

        assertThat(compact.size()).isEqualTo(32);
        // repeated so that the JIT-compiled walk is checked too, not only the interpreter's
        for (int round = 0; round < 20; round++) {
            for (double[] x : rows(8 + round, 2000)) {
                assertThat(compact.score(x, c)).isEqualTo(smile.score(x));
            }
        }
        // far outside the training range, signed zeros, and every training row itself (values on the split
        // boundaries' sides). Features are always finite (a non-finite value is not scored): with an infinite or NaN
        // feature Smile's dot product is NaN (infinity times a zero slope), which sends x right at every node.
        for (double[] x : new double[][]{{1e9, -1e9, 1e9}, {-1e9, 1e9, 0}, {0, 0, 0}, {-0.0, -0.0, -0.0},
                {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE}}) {
            assertThat(compact.score(x, c)).isEqualTo(smile.score(x));
        }
        for (double[] x : train) {
            assertThat(compact.score(x, c)).isEqualTo(smile.score(x));
        }
    }

    @Test
    void replacingTheOldestTreesGivesTheForestOfTheNewTreesInTheirSlots() {
        double[][] train = rows(9, 512);
        IsolationTree[] old = ForestTrainer.grow(i -> train[i], train.length, 8, 64, 1L);
        IsolationTree[] grown = ForestTrainer.grow(i -> train[i], train.length, 3, 64, 2L);
        IsolationTree[] expected = old.clone();
        for (int k = 0; k < grown.length; k++) {
            expected[(6 + k) % 8] = grown[k];   // slots 6, 7, then 0
        }

        CompactForest replaced = CompactForest.of(old).replace(6, CompactForest.of(grown));

        assertThat(replaced).isEqualTo(CompactForest.of(expected));
        IsolationForest smile = new IsolationForest(64, 0, expected);
        double c = CompactForest.normaliser(64);
        for (double[] x : rows(10, 500)) {
            assertThat(replaced.score(x, c)).isEqualTo(smile.score(x));
        }
    }

    @Test
    void aSplitThresholdSeparatesExactlyWhereSmilesProductDoes() {
        Random r = new Random(3);
        for (int k = 0; k < 10_000; k++) {
            double s = r.nextGaussian();
            double b = r.nextGaussian() * 100;
            double t = CompactForest.threshold(s, b);
            for (double x : new double[]{t, Math.nextUp(t), Math.nextDown(t), b / s}) {
                boolean smileLeft = x * s < b;
                boolean compactLeft = s > 0 ? x < t : -x < -t;   // as the forest keeps the second form
                assertThat(compactLeft).as("s=%s b=%s x=%s", s, b, x).isEqualTo(smileLeft);
            }
        }
    }

    @Test
    void aForestReadBackFromItsBytesIsTheSameForestInTheOneObjectPerTreeFormat() throws Exception {
        double[][] train = rows(11, 256);
        CompactForest forest = CompactForest.of(ForestTrainer.grow(i -> train[i], train.length, 3, 64, 5L));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        forest.writeTo(new DataOutputStream(bytes));

        CompactForest back = CompactForest.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertThat(back).isEqualTo(forest);
        // a tree count, then per tree its node count and 10 bytes a node: the format of the per-tree objects before
        int nodes = forest.nodes(0) + forest.nodes(1) + forest.nodes(2);
        assertThat(bytes.size()).isEqualTo(2 + 3 * 2 + 10 * nodes);
    }
}

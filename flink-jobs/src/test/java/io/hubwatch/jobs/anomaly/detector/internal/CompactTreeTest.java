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
 * The compact trees the detector keeps in its state score exactly as Smile's own forest does, so a Smile upgrade that
 * changes its trees cannot change the detector's results silently.
 */
class CompactTreeTest {

    private static double[][] rows(long seed, int n) {
        Random r = new Random(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new double[]{100 + 10 * r.nextGaussian(), r.nextGaussian(), Math.abs(r.nextGaussian() * 3)};
        }
        return rows;
    }

    @Test
    void compactTreesScoreBitForBitLikeSmilesScore() {
        double[][] train = rows(7, 1024);
        IsolationTree[] trees = ForestTrainer.grow(i -> train[i], train.length, 32, 64, 42L);
        IsolationForest smile = new IsolationForest(64, 0, trees);
        CompactTree[] compact = new CompactTree[trees.length];
        for (int t = 0; t < trees.length; t++) {
            compact[t] = CompactTree.of(trees[t]);
        }
        double c = CompactTree.normaliser(64);

        double[][] probes = rows(8, 2000);
        for (double[] x : probes) {
            assertThat(CompactTree.score(compact, c, x)).isEqualTo(smile.score(x));
        }
        // far outside the training range, and every training row itself (values on the split boundaries' sides)
        for (double[] x : new double[][]{{1e9, -1e9, 1e9}, {-1e9, 1e9, 0}, {0, 0, 0}}) {
            assertThat(CompactTree.score(compact, c, x)).isEqualTo(smile.score(x));
        }
        for (double[] x : train) {
            assertThat(CompactTree.score(compact, c, x)).isEqualTo(smile.score(x));
        }
    }

    @Test
    void aSplitThresholdSeparatesExactlyWhereSmilesProductDoes() {
        Random r = new Random(3);
        for (int k = 0; k < 10_000; k++) {
            double s = r.nextGaussian();
            double b = r.nextGaussian() * 100;
            double t = CompactTree.threshold(s, b);
            for (double x : new double[]{t, Math.nextUp(t), Math.nextDown(t), b / s}) {
                boolean smileLeft = x * s < b;
                boolean compactLeft = s > 0 ? x < t : x > t;
                assertThat(compactLeft).as("s=%s b=%s x=%s", s, b, x).isEqualTo(smileLeft);
            }
        }
    }

    @Test
    void aTreeReadBackFromItsBytesIsTheSameTree() throws Exception {
        double[][] train = rows(11, 256);
        CompactTree tree = CompactTree.of(ForestTrainer.grow(i -> train[i], train.length, 1, 64, 5L)[0]);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tree.writeTo(new DataOutputStream(bytes));

        CompactTree back = CompactTree.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertThat(back).isEqualTo(tree);
        assertThat(bytes.size()).as("bytes of a %d-node tree", tree.nodes()).isEqualTo(2 + 10 * tree.nodes());
    }
}

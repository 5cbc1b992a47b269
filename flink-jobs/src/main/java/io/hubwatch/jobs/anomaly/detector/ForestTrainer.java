package io.hubwatch.jobs.anomaly.detector;

import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;
import smile.stat.distribution.GaussianDistribution;

import java.lang.reflect.Field;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds a Smile {@link IsolationForest} deterministically: the trees are grown one after another on the calling
 * thread, each from its own seeded subsample. Two things in Smile 3.1.1 stand in the way and are handled here:
 * <ul>
 *   <li>{@code IsolationForest.fit} grows trees on the common fork-join pool, whose threads' random generators we
 *       cannot seed: so trees are grown here, one by one, after {@code MathEx.setSeed} on this thread;</li>
 *   <li>{@code IsolationTree} draws split directions from the shared {@code GaussianDistribution} singleton, which
 *       caches every second normal deviate in an unsynchronised field: how many uniform draws the next tree consumes
 *       then depends on what ran before, in any thread. Tree growing therefore holds one JVM-wide lock and clears that
 *       cache first. (With extension level 0 the deviate's value never matters, only how many draws it used.)</li>
 * </ul>
 *
 * <pre>{@code
 * IsolationForest forest = ForestTrainer.train(rows, 50, 64, 42L);
 * double s = forest.score(x);
 * }</pre>
 */
public final class ForestTrainer {
    private static final Object SMILE_LOCK = GaussianDistribution.class;
    private static final Field GAUSSIAN_CACHE = gaussianCache();

    private ForestTrainer() {}

    /** Rows of a training window, built on demand: a tree needs only its subsample's rows. */
    @FunctionalInterface
    public interface Rows {
        double[] row(int i);
    }

    public static IsolationForest train(double[][] rows, int trees, int subsample, long seed) {
        if (rows.length < 2) {
            throw new IllegalArgumentException("need at least 2 rows to train, got " + rows.length);
        }
        return new IsolationForest(Math.min(subsample, rows.length), 0, grow(i -> rows[i], rows.length, trees, subsample, seed));
    }

    /**
     * {@code trees} Smile isolation trees, each on its own {@code min(subsample, n)} of the {@code n} rows drawn
     * without replacement; only the drawn rows are built.
     */
    public static IsolationTree[] grow(Rows rows, int n, int trees, int subsample, long seed) {
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 rows to train, got " + n);
        }
        int m = Math.min(subsample, n);
        int maxDepth = (int) Math.ceil(Math.log(m) / Math.log(2));
        SplittableRandom rnd = new SplittableRandom(seed);
        IsolationTree[] forest = new IsolationTree[trees];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        List<List<double[]>> samples = new ArrayList<>(trees);
        for (int t = 0; t < trees; t++) {
            List<double[]> sample = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {   // partial Fisher-Yates: m rows without replacement
                int j = i + rnd.nextInt(n - i);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
                sample.add(rows.row(idx[i]));
            }
            samples.add(sample);
        }
        long treeSeed = rnd.nextLong();
        // one seeding per call (seeding Smile's generator costs about as much as growing a small tree); the lock
        // keeps any other thread's trees from drawing in between, so the sequence is the same in every run
        synchronized (SMILE_LOCK) {
            clearGaussianCache();
            MathEx.setSeed(treeSeed);   // Smile's split choices use this thread's generator
            for (int t = 0; t < trees; t++) {
                forest[t] = new IsolationTree(samples.get(t), maxDepth, 0);
            }
        }
        return forest;
    }

    /** Whether training is bit-for-bit reproducible in this JVM (the Gaussian cache could be reached). */
    public static boolean deterministic() {
        return GAUSSIAN_CACHE != null;
    }

    private static void clearGaussianCache() {
        if (GAUSSIAN_CACHE != null) {
            try {
                GAUSSIAN_CACHE.setDouble(GaussianDistribution.getInstance(), Double.NaN);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot reset Smile's Gaussian cache", e);
            }
        }
    }

    private static Field gaussianCache() {
        try {
            Field f = GaussianDistribution.class.getDeclaredField("z1");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

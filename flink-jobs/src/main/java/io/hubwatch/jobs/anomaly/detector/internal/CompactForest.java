package io.hubwatch.jobs.anomaly.detector.internal;

import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * A flat, array-backed copy of a Smile {@link IsolationForest} grown with extension level 0, scoring exactly as Smile
 * does ({@code 2^(-mean path / c)}, each split {@code x[j] * slope < bias}) in about a third of the heap: Smile keeps
 * two d-long arrays per node, this keeps one feature index, two doubles and a child index.
 *
 * <p>Smile's tree nodes are not public; they are read once, by reflection, when a model is trained. If that is not
 * possible (or a node splits on more than one feature), {@link #of} returns null and the caller keeps Smile's forest.
 */
public final class CompactForest {
    private static final Reflection R = Reflection.load();

    private final int[] roots;
    private final int[] feature;   // -1 for a leaf
    private final double[] slope;  // the split slope, or the path length at a leaf
    private final double[] bias;
    private final int[] right;     // index of the right child; the left child follows its parent
    private final double c;

    private CompactForest(int[] roots, int[] feature, double[] slope, double[] bias, int[] right, double c) {
        this.roots = roots;
        this.feature = feature;
        this.slope = slope;
        this.bias = bias;
        this.right = right;
        this.c = c;
    }

    /** The compact copy, or null when Smile's internals cannot be read. */
    public static CompactForest of(IsolationForest forest) {
        if (R == null) {
            return null;
        }
        try {
            Builder b = new Builder();
            IsolationTree[] trees = forest.trees();
            int[] roots = new int[trees.length];
            for (int t = 0; t < trees.length; t++) {
                roots[t] = b.add(R.root.get(trees[t]));
                if (roots[t] < 0) {
                    return null;
                }
            }
            return new CompactForest(roots, b.feature.stream().mapToInt(Integer::intValue).toArray(),
                    b.slope.stream().mapToDouble(Double::doubleValue).toArray(),
                    b.bias.stream().mapToDouble(Double::doubleValue).toArray(),
                    b.right.stream().mapToInt(Integer::intValue).toArray(), R.c.getDouble(forest));
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    public double score(double[] x) {
        double depth = 0;
        for (int root : roots) {
            int i = root;
            while (feature[i] >= 0) {
                i = x[feature[i]] * slope[i] < bias[i] ? i + 1 : right[i];
            }
            depth += slope[i];
        }
        depth /= roots.length;
        return Math.pow(2.0, -depth / c);
    }

    /** Nodes in all trees. */
    public int nodes() {
        return feature.length;
    }

    /** Approximate heap bytes of the arrays. */
    public long heapBytes() {
        return 16L * 5 + 4L * roots.length + (long) feature.length * (4 + 8 + 8 + 4);
    }

    private static final class Builder {
        final List<Integer> feature = new ArrayList<>();
        final List<Double> slope = new ArrayList<>();
        final List<Double> bias = new ArrayList<>();
        final List<Integer> right = new ArrayList<>();

        /** Appends a node and its subtree in pre-order; -1 if a split uses more than one feature. */
        int add(Object node) throws IllegalAccessException {
            int me = feature.size();
            Object left = R.left.get(node);
            Object rightNode = R.right.get(node);
            if (left == null && rightNode == null) {
                feature.add(-1);
                slope.add(R.depth.getDouble(node));
                bias.add(0.0);
                right.add(-1);
                return me;
            }
            double[] s = (double[]) R.slope.get(node);
            int j = -1;
            for (int k = 0; k < s.length; k++) {
                if (s[k] != 0) {
                    if (j >= 0) {
                        return -1;
                    }
                    j = k;
                }
            }
            if (j < 0) {
                return -1;
            }
            feature.add(j);
            slope.add(s[j]);
            bias.add(R.bias.getDouble(node));
            right.add(-1);
            if (add(left) < 0) {
                return -1;
            }
            int r = add(rightNode);
            if (r < 0) {
                return -1;
            }
            right.set(me, r);
            return me;
        }
    }

    private record Reflection(Field root, Field depth, Field slope, Field bias, Field left, Field right, Field c) {
        static Reflection load() {
            try {
                Class<?> node = Class.forName("smile.anomaly.IsolationTree$Node");
                return new Reflection(open(IsolationTree.class, "root"), open(node, "depth"), open(node, "slope"),
                        open(node, "bias"), open(node, "left"), open(node, "right"), open(IsolationForest.class, "c"));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        private static Field open(Class<?> type, String name) throws NoSuchFieldException {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        }
    }
}

package io.hubwatch.jobs.anomaly.detector.internal;

import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Arrays;

/**
 * One Smile {@link IsolationTree} (extension level 0) as three flat arrays, about 10 bytes a node, that give exactly
 * the path length Smile's own {@code path()} gives. Small enough to live in keyed state, so a restored series scores
 * on at once with the very trees it had.
 *
 * <p>Smile splits a node with {@code dot(x, slope) < bias}; with extension level 0 the slope has one non-zero entry
 * {@code s}, so the test is {@code x[j] * s < bias}. Rounded multiplication is monotone in {@code x}, so that test is
 * {@code x[j] < t} (for {@code s > 0}) or {@code x[j] > t} (for {@code s < 0}) for one double {@code t}, found here
 * to the last bit: one comparison and 8 bytes a node instead of a multiplication and 16. Smile's nodes are not public;
 * they are read by reflection when a tree is grown, and a test holds this class to Smile's {@code score()}.
 *
 * <pre>{@code
 * CompactTree t = CompactTree.of(smileTree);
 * double depth = t.pathLength(x);   // == smileTree.path(x)
 * }</pre>
 */
public final class CompactTree {
    private static final byte LEAF = -1;
    private static final int GREATER = 0x40;   // the left branch is x[j] > t
    private static final int MAX_NODES = 256;  // child indices are unsigned bytes
    private static final Reflection R = Reflection.load();

    private final byte[] split;    // feature index (| GREATER), or LEAF
    private final byte[] right;    // unsigned index of the right child; the left child follows its parent
    private final double[] value;  // the threshold, or the path length at a leaf

    private CompactTree(byte[] split, byte[] right, double[] value) {
        this.split = split;
        this.right = right;
        this.value = value;
    }

    /**
     * The compact copy of a tree grown with extension level 0 on at most 128 rows of at most 63 features.
     *
     * @throws IllegalStateException when Smile's tree cannot be read (a Smile upgrade changed its internals)
     */
    public static CompactTree of(IsolationTree tree) {
        return of(tree, new Builder());
    }

    /**
     * The compact copies of {@code trees}, as {@link #of(IsolationTree)} gives them, with one scratch builder for all
     * (a new one per tree, 2.5 KB zeroed each time, was 7.6 % of the detector's CPU time in JFR).
     */
    public static CompactTree[] of(IsolationTree[] trees) {
        Builder b = new Builder();
        CompactTree[] out = new CompactTree[trees.length];
        for (int i = 0; i < trees.length; i++) {
            out[i] = of(trees[i], b);
        }
        return out;
    }

    private static CompactTree of(IsolationTree tree, Builder b) {
        if (R == null) {
            throw new IllegalStateException("cannot read Smile's isolation tree nodes (smile-core upgraded?)");
        }
        try {
            b.n = 0;
            b.add(R.root.get(tree));
            return new CompactTree(Arrays.copyOf(b.split, b.n), Arrays.copyOf(b.right, b.n), Arrays.copyOf(b.value, b.n));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Smile's isolation tree nodes: " + e.getMessage(), e);
        }
    }

    /** Smile's normalising constant {@code c(n)} of a forest grown on {@code n}-row subsamples. */
    public static double normaliser(int subsample) {
        if (R == null) {
            throw new IllegalStateException("cannot read Smile's isolation forest (smile-core upgraded?)");
        }
        try {
            return R.c.getDouble(new IsolationForest(subsample, 0, new IsolationTree[0]));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Smile's isolation forest: " + e.getMessage(), e);
        }
    }

    /** The path length of {@code x}: Smile's {@code IsolationTree.path(x)}. */
    public double pathLength(double[] x) {
        int i = 0;
        int s;
        while ((s = split[i]) >= 0) {
            double v = x[s & (GREATER - 1)];
            boolean left = (s & GREATER) == 0 ? v < value[i] : v > value[i];
            i = left ? i + 1 : right[i] & 0xff;
        }
        return value[i];
    }

    /** Smile's {@code IsolationForest.score(x)} over these trees, with {@code c = normaliser(subsample)}. */
    public static double score(CompactTree[] trees, double c, double[] x) {
        double depth = 0;
        for (CompactTree t : trees) {
            depth += t.pathLength(x);
        }
        depth /= trees.length;
        return Math.pow(2.0, -depth / c);
    }

    public int nodes() {
        return split.length;
    }

    /** Heap bytes: the object and its three arrays. */
    public long heapBytes() {
        return 24 + 2 * (16 + align8(split.length)) + 16 + 8L * value.length;
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeShort(split.length);
        out.write(split);
        out.write(right);
        for (double v : value) {
            out.writeDouble(v);
        }
    }

    public static CompactTree readFrom(DataInput in) throws IOException {
        int n = in.readUnsignedShort();
        if (n < 1 || n > MAX_NODES) {
            throw new IOException("corrupt tree: " + n + " nodes");
        }
        byte[] split = new byte[n];
        byte[] right = new byte[n];
        double[] value = new double[n];
        in.readFully(split);
        in.readFully(right);
        for (int i = 0; i < n; i++) {
            value[i] = in.readDouble();
        }
        for (int i = 0; i < n; i++) {
            if (split[i] >= 0 && ((right[i] & 0xff) <= i + 1 || (right[i] & 0xff) >= n || i + 1 >= n)) {
                throw new IOException("corrupt tree: node " + i + " has child " + (right[i] & 0xff) + " of " + n);
            }
        }
        return new CompactTree(split, right, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompactTree t && Arrays.equals(split, t.split) && Arrays.equals(right, t.right)
                && Arrays.equals(value, t.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    /**
     * The double {@code t} with {@code x * s < b  <=>  x < t} ({@code s > 0}) or {@code x > t} ({@code s < 0}) for
     * every double {@code x}: the boundary of a monotone predicate, searched bit by bit from {@code b / s}.
     */
    static double threshold(double s, double b) {
        double t = b / s;
        if (Double.isNaN(t)) {
            t = 0;
        }
        if (s > 0) {   // true below t: t is the least x where x * s < b fails
            if (t * s < b) {
                while (t * s < b) {
                    t = Math.nextUp(t);
                }
            } else {
                while (t != Double.NEGATIVE_INFINITY && !(Math.nextDown(t) * s < b)) {
                    t = Math.nextDown(t);
                }
            }
        } else {       // true above t: t is the greatest x where x * s < b fails
            if (t * s < b) {
                while (t * s < b) {
                    t = Math.nextDown(t);
                }
            } else {
                while (t != Double.POSITIVE_INFINITY && !(Math.nextUp(t) * s < b)) {
                    t = Math.nextUp(t);
                }
            }
        }
        return t;
    }

    private static final class Builder {
        byte[] split = new byte[MAX_NODES];
        byte[] right = new byte[MAX_NODES];
        double[] value = new double[MAX_NODES];
        int n;

        /** Appends a node and its subtree in pre-order. */
        void add(Object node) throws IllegalAccessException {
            if (n >= MAX_NODES) {
                throw new IllegalStateException("an isolation tree of more than " + MAX_NODES + " nodes (subsample > 128?)");
            }
            int me = n++;
            Object left = R.left.get(node);
            Object rightNode = R.right.get(node);
            if (left == null && rightNode == null) {
                split[me] = LEAF;
                right[me] = 0;   // the builder is reused: a leaf's unused byte must not keep an earlier tree's
                value[me] = R.depth.getDouble(node);
                return;
            }
            double[] s = (double[]) R.slope.get(node);
            int j = -1;
            for (int k = 0; k < s.length; k++) {
                if (s[k] != 0) {
                    if (j >= 0) {
                        throw new IllegalStateException("an isolation tree split on two features (extension level > 0)");
                    }
                    j = k;
                }
            }
            if (s.length >= GREATER) {
                throw new IllegalStateException("more than " + (GREATER - 1) + " features");
            }
            double bias = R.bias.getDouble(node);
            if (j < 0) {   // a zero slope: 0 < bias sends every finite x one way
                j = 0;
                split[me] = (byte) j;
                value[me] = 0 < bias ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            } else {
                split[me] = (byte) (s[j] > 0 ? j : j | GREATER);
                value[me] = threshold(s[j], bias);
            }
            add(left);
            int r = n;
            add(rightNode);
            right[me] = (byte) r;
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

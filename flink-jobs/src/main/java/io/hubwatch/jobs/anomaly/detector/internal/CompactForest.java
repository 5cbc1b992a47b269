package io.hubwatch.jobs.anomaly.detector.internal;

import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Smile {@link IsolationTree}s (extension level 0) copied once, when they are grown, into three flat arrays shared by
 * the whole forest (about 10 bytes a node); {@link #score} gives exactly what Smile's {@code IsolationForest.score()}
 * gives. Small enough to live in keyed state, so a restored series scores on at once with the very trees it had.
 *
 * <p>Smile splits a node with {@code dot(x, slope) < bias}; with extension level 0 the slope has one non-zero entry
 * {@code s}, so the test is {@code x[j] * s < bias}. Rounded multiplication is monotone in {@code x}, so that test is
 * {@code x[j] < t} (for {@code s > 0}) or {@code x[j] > t} (for {@code s < 0}) for one double {@code t}, found here
 * to the last bit. The second form is kept as {@code -x[j] < -t} (negation is exact), so every node is one
 * comparison, with no branch on its direction. Smile's nodes are not public: they are read through method handles when
 * a tree is grown, and a test holds this class to Smile's {@code score()}.
 *
 * <p>One forest-wide layout rather than an object per tree: scoring walks three arrays instead of 32 objects and 96
 * arrays, and the heap saves their headers (about 2 KB a series with 32 trees).
 *
 * <pre>{@code
 * CompactForest f = CompactForest.of(smileTrees);
 * double s = f.score(x, CompactForest.normaliser(64));   // == new IsolationForest(64, 0, smileTrees).score(x)
 * }</pre>
 */
public final class CompactForest {
    private static final byte LEAF = -1;
    private static final int GREATER = 0x40;   // the node's test is x[j] > t, kept as -x[j] < -t
    private static final int FEATURE = GREATER - 1;
    private static final int MAX_NODES = 256;  // child indices are unsigned bytes, relative to the tree's first node

    private final byte[] split;    // feature index (| GREATER), or LEAF
    private final byte[] right;    // the right child, relative to its tree's first node; the left child follows its parent
    private final double[] value;  // the threshold (negated for GREATER), or the path length at a leaf
    private final int[] first;     // first[t] = tree t's first node; first[size()] = the node count

    private CompactForest(byte[] split, byte[] right, double[] value, int[] first) {
        this.split = split;
        this.right = right;
        this.value = value;
        this.first = first;
    }

    /**
     * The compact copy of trees grown with extension level 0 on at most 128 rows of at most 63 features.
     *
     * @throws IllegalStateException when Smile's trees cannot be read (a Smile upgrade changed its internals)
     */
    public static CompactForest of(IsolationTree[] trees) {
        if (!Handles.loaded()) {
            throw new IllegalStateException("cannot read Smile's isolation tree nodes (smile-core upgraded?)");
        }
        Builder b = new Builder(trees.length * 2 * 64);
        int[] first = new int[trees.length + 1];
        try {
            for (int t = 0; t < trees.length; t++) {
                first[t] = b.n;
                b.base = b.n;
                b.add(Handles.ROOT.invokeExact((Object) trees[t]));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Smile's isolation tree nodes: " + e.getMessage(), e);
        }
        first[trees.length] = b.n;
        return new CompactForest(Arrays.copyOf(b.split, b.n), Arrays.copyOf(b.right, b.n), Arrays.copyOf(b.value, b.n), first);
    }

    /** Smile's normalising constant {@code c(n)} of a forest grown on {@code n}-row subsamples. */
    public static double normaliser(int subsample) {
        if (!Handles.loaded()) {
            throw new IllegalStateException("cannot read Smile's isolation forest (smile-core upgraded?)");
        }
        try {
            return (double) Handles.C.invokeExact((Object) new IsolationForest(subsample, 0, new IsolationTree[0]));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Smile's isolation forest: " + e.getMessage(), e);
        }
    }

    /** Smile's {@code IsolationForest.score(x)} over these trees, with {@code c = normaliser(subsample)}. */
    public double score(double[] x, double c) {
        double depth = 0;
        int trees = first.length - 1;
        for (int t = 0; t < trees; t++) {   // in tree order, as Smile adds the path lengths
            int base = first[t];
            int i = base;
            int s;
            while ((s = split[i]) >= 0) {
                // times 1 or -1 (exact): -x[j] < -t is x[j] > t
                double v = x[s & FEATURE] * (1 - ((s >> 5) & 2));
                i = v < value[i] ? i + 1 : base + (right[i] & 0xff);
            }
            depth += value[i];
        }
        depth /= trees;
        return Math.pow(2.0, -depth / c);
    }

    /** Trees in the forest. */
    public int size() {
        return first.length - 1;
    }

    /** Nodes of tree {@code t}. */
    public int nodes(int t) {
        return first[t + 1] - first[t];
    }

    /**
     * This forest with {@code grown}'s trees in place of its own, from slot {@code from} on (wrapping round): how a
     * forest replaces its oldest trees a few at a time.
     */
    public CompactForest replace(int from, CompactForest grown) {
        int n = size();
        if (grown.size() > n) {
            throw new IllegalArgumentException(grown.size() + " trees do not fit in a forest of " + n);
        }
        CompactForest[] slot = new CompactForest[n];
        int[] tree = new int[n];
        for (int t = 0; t < n; t++) {
            slot[t] = this;
            tree[t] = t;
        }
        for (int k = 0; k < grown.size(); k++) {
            slot[(from + k) % n] = grown;
            tree[(from + k) % n] = k;
        }
        int total = 0;
        for (int t = 0; t < n; t++) {
            total += slot[t].nodes(tree[t]);
        }
        byte[] split = new byte[total];
        byte[] right = new byte[total];
        double[] value = new double[total];
        int[] first = new int[n + 1];
        for (int t = 0; t < n; t++) {
            CompactForest f = slot[t];
            int src = f.first[tree[t]];
            int len = f.nodes(tree[t]);
            System.arraycopy(f.split, src, split, first[t], len);
            System.arraycopy(f.right, src, right, first[t], len);
            System.arraycopy(f.value, src, value, first[t], len);
            first[t + 1] = first[t] + len;
        }
        return new CompactForest(split, right, value, first);
    }

    /** Heap bytes: the object and its four arrays. */
    public long heapBytes() {
        return 24 + 2 * (16 + align8(split.length)) + 16 + 8L * value.length + 16 + align8(4L * first.length);
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * The tree count, then every tree as its node count, the split bytes, the right children and the thresholds or
     * path lengths (as doubles, thresholds not negated): the format the detector's state has had since it held one
     * object per tree, so snapshots taken before the flat layout restore unchanged.
     */
    public void writeTo(DataOutput out) throws IOException {
        int n = size();
        out.writeShort(n);
        for (int t = 0; t < n; t++) {
            int a = first[t];
            int len = nodes(t);
            out.writeShort(len);
            out.write(split, a, len);
            out.write(right, a, len);
            for (int i = a; i < a + len; i++) {
                out.writeDouble(stored(i));
            }
        }
    }

    /** The inverse of {@link #writeTo}. */
    public static CompactForest readFrom(DataInput in) throws IOException {
        int trees = in.readUnsignedShort();
        int[] first = new int[trees + 1];
        byte[][] splits = new byte[trees][];
        byte[][] rights = new byte[trees][];
        double[][] values = new double[trees][];
        for (int t = 0; t < trees; t++) {
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
                if (split[i] < 0 && split[i] != LEAF) {
                    throw new IOException("corrupt tree: node " + i + " splits on " + split[i]);
                }
                if (split[i] >= 0 && (split[i] & GREATER) != 0) {
                    value[i] = -value[i];
                }
            }
            splits[t] = split;
            rights[t] = right;
            values[t] = value;
            first[t + 1] = first[t] + n;
        }
        byte[] split = new byte[first[trees]];
        byte[] right = new byte[first[trees]];
        double[] value = new double[first[trees]];
        for (int t = 0; t < trees; t++) {
            System.arraycopy(splits[t], 0, split, first[t], splits[t].length);
            System.arraycopy(rights[t], 0, right, first[t], rights[t].length);
            System.arraycopy(values[t], 0, value, first[t], values[t].length);
        }
        return new CompactForest(split, right, value, first);
    }

    /** The threshold or path length of node {@code i} as Smile's test reads it ({@code x > t} with {@code t} itself). */
    private double stored(int i) {
        return split[i] >= 0 && (split[i] & GREATER) != 0 ? -value[i] : value[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompactForest f && Arrays.equals(first, f.first) && Arrays.equals(split, f.split)
                && Arrays.equals(right, f.right) && Arrays.equals(value, f.value);
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

    /** Appends trees in pre-order to growing arrays (one builder per forest: a new one per tree cost 7.6 % CPU). */
    private static final class Builder {
        byte[] split;
        byte[] right;
        double[] value;
        int n;
        int base;   // the current tree's first node

        Builder(int capacity) {
            split = new byte[capacity];
            right = new byte[capacity];
            value = new double[capacity];
        }

        /** Appends a node and its subtree in pre-order. */
        void add(Object node) throws Throwable {
            if (n - base >= MAX_NODES) {
                throw new IllegalStateException("an isolation tree of more than " + MAX_NODES + " nodes (subsample > 128?)");
            }
            if (n == split.length) {
                split = Arrays.copyOf(split, 2 * n);
                right = Arrays.copyOf(right, 2 * n);
                value = Arrays.copyOf(value, 2 * n);
            }
            int me = n++;
            Object left = Handles.LEFT.invokeExact(node);
            Object rightNode = Handles.RIGHT.invokeExact(node);
            if (left == null && rightNode == null) {
                split[me] = LEAF;
                right[me] = 0;
                value[me] = (double) Handles.DEPTH.invokeExact(node);
                return;
            }
            Object slope = Handles.SLOPE.invokeExact(node);
            double[] s = (double[]) slope;
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
                throw new IllegalStateException("more than " + FEATURE + " features");
            }
            double bias = (double) Handles.BIAS.invokeExact(node);
            if (j < 0) {   // a zero slope: 0 < bias sends every finite x one way
                split[me] = 0;
                value[me] = 0 < bias ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            } else if (s[j] > 0) {
                split[me] = (byte) j;
                value[me] = threshold(s[j], bias);
            } else {
                split[me] = (byte) (j | GREATER);
                value[me] = -threshold(s[j], bias);
            }
            add(left);
            int r = n - base;
            add(rightNode);
            right[me] = (byte) r;
        }
    }

    /**
     * Getters of Smile's private fields, typed {@code (Object) -> Object/double} so they can be invoked exactly; as
     * static finals they compile to plain field reads (reflective {@code Field.get} was 2.5 % of the CPU time). All
     * null when Smile's classes no longer have these fields.
     */
    private static final class Handles {
        static final MethodHandle ROOT;
        static final MethodHandle DEPTH;
        static final MethodHandle SLOPE;
        static final MethodHandle BIAS;
        static final MethodHandle LEFT;
        static final MethodHandle RIGHT;
        static final MethodHandle C;

        static {
            MethodHandle[] h = new MethodHandle[7];
            try {
                Class<?> node = Class.forName("smile.anomaly.IsolationTree$Node");
                h = new MethodHandle[]{getter(IsolationTree.class, "root", Object.class),
                        getter(node, "depth", double.class), getter(node, "slope", Object.class),
                        getter(node, "bias", double.class), getter(node, "left", Object.class),
                        getter(node, "right", Object.class), getter(IsolationForest.class, "c", double.class)};
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left null: of() and normaliser() say that Smile's internals changed
            }
            ROOT = h[0];
            DEPTH = h[1];
            SLOPE = h[2];
            BIAS = h[3];
            LEFT = h[4];
            RIGHT = h[5];
            C = h[6];
        }

        static boolean loaded() {
            return C != null;
        }

        private static MethodHandle getter(Class<?> type, String name, Class<?> as) throws ReflectiveOperationException {
            java.lang.reflect.Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return MethodHandles.lookup().unreflectGetter(f).asType(MethodType.methodType(as, Object.class));
        }
    }
}

package io.hubwatch.jobs.anomaly.detector.internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A fixed-capacity ring of 32-bit floats: the bounded history a detector keeps per series (half the memory of
 * doubles; 7 significant digits are plenty to tell what is unusual). Values are rounded when added, so what is kept,
 * checkpointed and restored is the same number. Index 0 is the oldest kept element, {@code size() - 1} the newest.
 *
 * <pre>{@code
 * FloatRing r = new FloatRing(1024);
 * r.add(3.5);
 * double newest = r.last(0);
 * }</pre>
 */
public final class FloatRing {
    private final float[] buf;
    private int start;
    private int size;

    public FloatRing(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.buf = new float[capacity];
    }

    public int capacity() {
        return buf.length;
    }

    public int size() {
        return size;
    }

    /** Adds {@code v} rounded to a float (see {@link #round}). */
    public void add(double v) {
        float f = (float) v;
        if (size < buf.length) {
            buf[(start + size) % buf.length] = f;
            size++;
        } else {
            buf[start] = f;
            start = (start + 1) % buf.length;
        }
    }

    /** {@code v} as the ring keeps it. */
    public static double round(double v) {
        return (float) v;
    }

    public void clear() {
        start = 0;
        size = 0;
    }

    /** The i-th kept element, 0 = oldest. */
    public double get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " outside 0.." + (size - 1));
        }
        int k = start + i;   // no %: an integer division per read was 16 % of the detector's CPU time (JFR)
        return buf[k < buf.length ? k : k - buf.length];
    }

    /** The i-th newest element, 0 = newest. */
    public double last(int i) {
        return get(size - 1 - i);
    }

    public FloatRing copy() {
        FloatRing c = new FloatRing(buf.length);
        System.arraycopy(buf, 0, c.buf, 0, buf.length);
        c.start = start;
        c.size = size;
        return c;
    }

    /** Writes the kept elements, oldest first (capacity is not written: the reader knows it from the config). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeFloat(buf[(start + i) % buf.length]);
        }
    }

    /** Heap bytes of the ring. */
    public long heapBytes() {
        return 24 + 16 + 4L * buf.length;
    }

    public static FloatRing readFrom(DataInput in, int capacity) throws IOException {
        FloatRing r = new FloatRing(capacity);
        int n = in.readInt();
        if (n < 0 || n > capacity) {
            throw new IOException("corrupt ring: size " + n + " for a capacity of " + capacity);
        }
        for (int i = 0; i < n; i++) {
            r.add(in.readFloat());
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FloatRing other) || other.size != size || other.buf.length != buf.length) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (Float.floatToIntBits(buf[(start + i) % buf.length]) != Float.floatToIntBits(other.buf[(other.start + i) % other.buf.length])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            a[i] = get(i);
        }
        return Arrays.hashCode(a);
    }
}

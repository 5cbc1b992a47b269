package io.hubwatch.jobs.anomaly.detector.internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A fixed-capacity ring of doubles: the bounded history a detector keeps per series. Index 0 is the oldest kept
 * element, {@code size() - 1} the newest.
 */
public final class DoubleRing {
    private final double[] buf;
    private int start;
    private int size;

    public DoubleRing(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.buf = new double[capacity];
    }

    public int capacity() {
        return buf.length;
    }

    public int size() {
        return size;
    }

    public void add(double v) {
        if (size < buf.length) {
            buf[(start + size) % buf.length] = v;
            size++;
        } else {
            buf[start] = v;
            start = (start + 1) % buf.length;
        }
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
        return buf[(start + i) % buf.length];
    }

    /** The i-th newest element, 0 = newest. */
    public double last(int i) {
        return get(size - 1 - i);
    }

    public DoubleRing copy() {
        DoubleRing c = new DoubleRing(buf.length);
        System.arraycopy(buf, 0, c.buf, 0, buf.length);
        c.start = start;
        c.size = size;
        return c;
    }

    /** Writes the kept elements, oldest first (capacity is not written: the reader knows it from the config). */
    public void writeTo(DataOutput out, boolean asFloat) throws IOException {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            if (asFloat) {
                out.writeFloat((float) get(i));
            } else {
                out.writeDouble(get(i));
            }
        }
    }

    public static DoubleRing readFrom(DataInput in, int capacity, boolean asFloat) throws IOException {
        DoubleRing r = new DoubleRing(capacity);
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt ring: negative size " + n);
        }
        for (int i = 0; i < n; i++) {
            r.add(asFloat ? in.readFloat() : in.readDouble());
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DoubleRing other) || other.size != size || other.buf.length != buf.length) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (Double.doubleToLongBits(get(i)) != Double.doubleToLongBits(other.get(i))) {
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

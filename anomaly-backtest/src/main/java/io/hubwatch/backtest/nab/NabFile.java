package io.hubwatch.backtest.nab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scoring geometry of one data file: which rows are probationary, which rows lie in which label window, and what
 * a detection on each row is worth (before the profile's weights).
 *
 * <p>Rows in a window {@code [L, R]} of width {@code w} earn {@code sigmoid(-(R - i + 1) / w) / sigmoid(-1)}: 1 at the
 * left edge, falling towards 0 at the right edge. Rows outside every window cost {@code sigmoid(d / (w' - 1))}, where
 * {@code d} is the distance past the end of the previous window of width {@code w'} (and -1 with no previous window
 * or a window of width 1), with the scaled sigmoid {@code sigmoid(x) = 2 / (1 + e^(5x)) - 1}, clamped to -1 above 3.
 */
public final class NabFile {
    static final double PROBATION_SHARE = 0.15;
    static final int PROBATION_CAP = 750;

    final String name;
    final int rows;
    final int firstScored;
    final int windows;
    final int[] slot;          // window index of each row, -1 outside
    final double[] value;      // TP reward (in a window) or FP penalty (outside), unweighted
    final int scoredWindows;

    /**
     * @param timestamps the file's timestamps in row order
     * @param labelWindows the label windows as {@code [start, end]} timestamps that occur in the file
     * @throws IllegalArgumentException naming the file when a window timestamp is missing or windows overlap
     */
    public NabFile(String name, List<String> timestamps, List<String[]> labelWindows) {
        this.name = name;
        this.rows = timestamps.size();
        this.firstScored = (int) Math.ceil(Math.min(Math.floor(PROBATION_SHARE * rows), PROBATION_CAP));
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < rows; i++) {
            firstIndex.putIfAbsent(NabTime.normalise(timestamps.get(i)), i);
        }
        List<int[]> intervals = new ArrayList<>();
        for (String[] w : labelWindows) {
            Integer lo = firstIndex.get(NabTime.normalise(w[0]));
            Integer hi = firstIndex.get(NabTime.normalise(w[1]));
            if (lo == null || hi == null) {
                throw new IllegalArgumentException(name + ": window [" + w[0] + ", " + w[1]
                        + "] has a timestamp that is not in the data file");
            }
            if (hi < lo) {
                throw new IllegalArgumentException(name + ": window [" + w[0] + ", " + w[1] + "] ends before it starts");
            }
            if (!intervals.isEmpty() && lo <= intervals.get(intervals.size() - 1)[1]) {
                throw new IllegalArgumentException(name + ": windows overlap or are not sorted");
            }
            intervals.add(new int[]{lo, hi});
        }
        this.windows = intervals.size();
        this.slot = new int[rows];
        this.value = new double[rows];
        java.util.Arrays.fill(slot, -1);
        int prevEnd = -1;
        int prevWidth = 0;
        int k = 0;
        for (int i = 0; i < rows; ) {
            if (k < intervals.size() && i == intervals.get(k)[0]) {
                int lo = intervals.get(k)[0];
                int hi = intervals.get(k)[1];
                int width = hi - lo + 1;
                for (int j = lo; j <= hi; j++) {
                    slot[j] = k;
                    value[j] = sigmoid(-(double) (hi - j + 1) / width) / sigmoid(-1.0);
                }
                prevEnd = hi;
                prevWidth = width;
                k++;
                i = hi + 1;
                continue;
            }
            value[i] = prevEnd < 0 || prevWidth <= 1 ? -1.0 : sigmoid((double) (i - prevEnd) / (prevWidth - 1));
            i++;
        }
        boolean[] seen = new boolean[windows];
        int scored = 0;
        for (int i = firstScored; i < rows; i++) {
            if (slot[i] >= 0 && !seen[slot[i]]) {
                seen[slot[i]] = true;
                scored++;
            }
        }
        this.scoredWindows = scored;
    }

    /** NAB's scaled sigmoid. */
    static double sigmoid(double x) {
        return x > 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * x)) - 1.0;
    }

    public String name() {
        return name;
    }

    public int rows() {
        return rows;
    }
}

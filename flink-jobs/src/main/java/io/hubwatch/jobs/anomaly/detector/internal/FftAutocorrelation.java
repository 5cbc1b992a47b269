package io.hubwatch.jobs.anomaly.detector.internal;

/**
 * Approximate autocorrelation sums of a real sequence by FFT: {@code r[lag] ~ sum(x[i] * x[i - lag], i = lag..n-1)}
 * for {@code lag = 0..maxLag}, in {@code O(N log N)} instead of {@code O(n * maxLag)}. Only an approximation (the
 * rounding differs from the plain sums'); the season search uses it to rule lags out and recomputes the few that
 * could matter exactly, so its result stays the plain search's. The error of each sum is below
 * {@code c * log2(N) * 2^-53 * sum(x^2)} with a small constant {@code c} (a few units: the twiddles come from
 * {@code Math.cos/sin}, correct to an ulp); {@link #ERROR_BOUND} allows many orders of magnitude more.
 *
 * <pre>{@code
 * double[] r = FftAutocorrelation.sums(x, n, 513);   // r[lag] for lag 0..513
 * }</pre>
 */
public final class FftAutocorrelation {
    /**
     * A bound on {@code |r[lag] - exact| / sum(x^2)} that holds with a wide margin for any length this detector uses
     * (the measured error is about 1e-16; the analytical bound about 1e-14 at 2^16 points).
     */
    public static final double ERROR_BOUND = 1e-9;

    /** cos/sin of {@code -2 pi k / N} for the largest N built so far; a table for N serves every smaller power of 2. */
    private static volatile double[][] twiddles = {new double[0], new double[0]};

    private FftAutocorrelation() {}

    /** {@code r[lag]} for {@code lag = 0..maxLag} ({@code maxLag < n}) of {@code x[0..n)}. */
    public static double[] sums(double[] x, int n, int maxLag) {
        int size = 4;
        while (size < n + maxLag) {   // zero padding to n + maxLag: the circular sums of lags <= maxLag do not wrap
            size <<= 1;
        }
        // x is real, so both transforms run at half size: x's even and odd values as one complex sequence of size/2
        // (the textbook real-FFT packing), which halves the FFTs' cost against a complex transform of x
        int half = size / 2;
        double[][] tw = twiddles(size);
        double[] cos = tw[0];
        double[] sin = tw[1];
        int ts = cos.length / half;   // W^k = exp(-2 pi i k / size) is (cos[k * ts], sin[k * ts])
        double[] re = new double[half];
        double[] im = new double[half];
        for (int j = 0; 2 * j < n; j++) {
            re[j] = x[2 * j];
            im[j] = 2 * j + 1 < n ? x[2 * j + 1] : 0;
        }
        fft(re, im, cos, sin, false);
        double[] p = new double[half + 1];   // |X[k]|^2 for k = 0..size/2; |X[size - k]| = |X[k]|
        p[0] = square(re[0] + im[0]);
        p[half] = square(re[0] - im[0]);
        for (int k = 1; k < half; k++) {
            int c = half - k;
            double er = (re[k] + re[c]) / 2;
            double ei = (im[k] - im[c]) / 2;
            double or = (im[k] + im[c]) / 2;
            double oi = -(re[k] - re[c]) / 2;
            double wr = cos[k * ts];
            double wi = sin[k * ts];
            double xr = er + wr * or - wi * oi;
            double xi = ei + wr * oi + wi * or;
            p[k] = xr * xr + xi * xi;
        }
        // the inverse, also at half size: the even lags are the real parts, the odd lags the imaginary parts
        for (int k = 0; k < half; k++) {
            double a = p[k] + p[half - k];
            double d = p[k] - p[half - k];
            double wr = cos[k * ts];
            double wi = sin[k * ts];
            re[k] = a + d * wi;
            im[k] = d * wr;
        }
        fft(re, im, cos, sin, true);
        double[] r = new double[maxLag + 1];
        for (int lag = 0; lag <= maxLag; lag++) {
            r[lag] = ((lag & 1) == 0 ? re[lag >> 1] : im[lag >> 1]) / size;
        }
        return r;
    }

    private static double square(double v) {
        return v * v;
    }

    private static double[][] twiddles(int size) {
        double[][] tw = twiddles;
        if (tw[0].length >= size / 2) {
            return tw;
        }
        int half = size / 2;
        double[] cos = new double[half];
        double[] sin = new double[half];
        for (int k = 0; k < half; k++) {
            double a = -2 * Math.PI * k / size;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
        tw = new double[][]{cos, sin};
        twiddles = tw;   // a racing thread builds the same table
        return tw;
    }

    /**
     * In-place iterative radix-2 FFT (inverse without the 1/N), {@code re.length} a power of 2 no larger than twice
     * the twiddle table.
     */
    private static void fft(double[] re, double[] im, double[] cos, double[] sin, boolean inverse) {
        int n = re.length;
        int stride = 2 * cos.length / n;
        for (int i = 1, j = 0; i < n; i++) {   // bit-reversal permutation
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        double sign = inverse ? -1 : 1;
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            int step = stride * (n / len);
            for (int i = 0; i < n; i += len) {
                for (int k = 0, t = 0; k < half; k++, t += step) {
                    double wr = cos[t];
                    double wi = sign * sin[t];
                    int a = i + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}

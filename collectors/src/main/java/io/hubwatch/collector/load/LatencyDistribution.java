package io.hubwatch.collector.load;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A latency distribution as typed on the command line: {@code lognormal:MEDIAN:SIGMA} (the shape of real API
 * latencies: a long right tail), {@code uniform:MIN:MAX}, {@code exp:MEAN}, {@code fixed:MS} or a plain number (fixed).
 *
 * <pre>{@code
 * LatencyDistribution d = LatencyDistribution.parse("lognormal:300:0.8");
 * double ms = d.sample(random);
 * }</pre>
 */
public record LatencyDistribution(String kind, double a, double b) {

    /** @throws IllegalArgumentException naming the text and the accepted forms */
    public static LatencyDistribution parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.split(":");
        try {
            LatencyDistribution d = switch (parts[0]) {
                case "lognormal" -> new LatencyDistribution("lognormal", number(parts, 1), parts.length > 2 ? number(parts, 2) : 0.6);
                case "uniform" -> new LatencyDistribution("uniform", number(parts, 1), number(parts, 2));
                case "exp" -> new LatencyDistribution("exp", number(parts, 1), 0);
                case "fixed" -> new LatencyDistribution("fixed", number(parts, 1), 0);
                default -> new LatencyDistribution("fixed", Double.parseDouble(parts[0]), 0);
            };
            if (d.a < 0 || d.b < 0 || (d.kind.equals("uniform") && d.b < d.a)) {
                throw new IllegalArgumentException("negative or reversed bounds");
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a latency distribution: use lognormal:MEDIAN:SIGMA "
                    + "(e.g. lognormal:300:0.8), uniform:MIN:MAX, exp:MEAN, fixed:MS or a number of ms");
        }
    }

    private static double number(String[] parts, int i) {
        return Double.parseDouble(parts[i]);
    }

    /** One latency in ms, scaled by {@code factor} (endpoints differ in speed). */
    public double sample(SplittableRandom random, double factor) {
        double ms = switch (kind) {
            case "lognormal" -> a * Math.exp(b * gaussian(random));
            case "uniform" -> a + random.nextDouble() * (b - a);
            case "exp" -> -a * Math.log(1 - random.nextDouble());
            default -> a;
        };
        return Math.round(ms * factor * 100) / 100.0;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case "lognormal" -> "lognormal(median " + a + " ms, sigma " + b + ")";
            case "uniform" -> "uniform(" + a + ".." + b + " ms)";
            case "exp" -> "exponential(mean " + a + " ms)";
            default -> "fixed(" + a + " ms)";
        };
    }
}

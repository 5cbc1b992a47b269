package io.hubwatch.loadtest.run.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request text with placeholders, compiled once and expanded per request: {@code ${user}} (drawn from the pool),
 * {@code ${seq}} (the request's number), {@code ${rand:N}} (uniform 0..N-1), {@code ${zipf:N}} (0..N-1, Zipf with
 * exponent 1: a few keys are hot, as in real caches), {@code ${now_ms}}, and fixed values such as
 * {@code ${services.gateway.key}}.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    private final List<Part> parts;

    private Template(List<Part> parts) {
        this.parts = parts;
    }

    /** What a request draws from once, so every placeholder of one request sees the same user and number. */
    public record Draw(SplittableRandom random, String user, long seq) {
    }

    private interface Part {
        void append(StringBuilder out, Draw draw);
    }

    /**
     * @param fixed values known before the run (service URLs and keys)
     * @throws IllegalArgumentException naming the unknown placeholder
     */
    public static Template compile(String text, Map<String, String> fixed) {
        List<Part> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int last = 0;
        while (m.find()) {
            String literal = text.substring(last, m.start());
            if (!literal.isEmpty()) {
                parts.add((out, d) -> out.append(literal));
            }
            parts.add(part(m.group(1), fixed));
            last = m.end();
        }
        String tail = text.substring(last);
        if (!tail.isEmpty()) {
            parts.add((out, d) -> out.append(tail));
        }
        return new Template(parts);
    }

    private static Part part(String name, Map<String, String> fixed) {
        if (fixed.containsKey(name)) {
            String v = fixed.get(name);
            return (out, d) -> out.append(v);
        }
        String[] p = name.split(":");
        switch (p[0]) {
            case "user":
                return (out, d) -> out.append(d.user());
            case "seq":
                return (out, d) -> out.append(d.seq());
            case "now_ms":
                return (out, d) -> out.append(System.currentTimeMillis());
            case "rand": {
                int n = bound(p, name);
                return (out, d) -> out.append(d.random().nextInt(n));
            }
            case "zipf": {
                double[] cdf = zipfCdf(bound(p, name), p.length > 2 ? Double.parseDouble(p[2]) : 1.0);
                return (out, d) -> out.append(sample(cdf, d.random().nextDouble()));
            }
            default:
                throw new IllegalArgumentException("${" + name + "} is not a placeholder; use ${user}, ${seq}, "
                        + "${rand:N}, ${zipf:N}, ${now_ms}" + (fixed.isEmpty() ? "" : " or one of " + fixed.keySet()));
        }
    }

    private static int bound(String[] p, String name) {
        try {
            int n = Integer.parseInt(p[1]);
            if (n >= 1) {
                return n;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException("${" + name + "} needs a whole number of keys of at least 1, e.g. ${"
                + p[0] + ":100}");
    }

    static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    static int sample(double[] cdf, double u) {
        int i = java.util.Arrays.binarySearch(cdf, u);
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }

    public String expand(Draw draw) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            p.append(out, draw);
        }
        return out.toString();
    }
}

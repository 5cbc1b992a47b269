package io.hubwatch.loadtest.gate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The regression gate: compares a run's {@code report.json} with a baseline's, figure by figure, and fails a figure
 * only when it got worse beyond its noise.
 *
 * <p>Latencies are compared net of the reference target measured in the same run and phase (the reference upstream
 * served directly): a figure is put in baseline terms as {@code run - runReference + baselineReference}. On a shared
 * machine the noise is mostly time spent waiting for a core, which adds alike to every request of the run, target
 * and reference; subtracting the reference takes it out. (Dividing by the reference instead was tried first: under
 * load a sub-millisecond cache hit and a 20 ms reference both gain ~50 ms, so their ratio jumps tenfold while nothing
 * regressed.) A latency regressed when its value in baseline terms grew by more than the relative tolerance
 * <em>and</em> by more than an absolute allowance: the larger of a floor (sub-millisecond figures jitter by hundreds of
 * percent without meaning anything) and how far the reference itself moved between the runs (the noise measured in
 * this very run: on a quiet machine the gate is tight, on a busy one it widens by what the busyness did to the
 * reference). Rates (errors, achieved share, hit rate) are compared by absolute difference; a ramp's knee by relative
 * drop.
 *
 * <pre>{@code
 * Gate.Verdict v = Gate.compare(JSON.readTree(baselineFile), JSON.readTree(runFile), Gate.Tolerances.defaults());
 * v.figures().forEach(f -> System.out.println(f.line()));
 * System.exit(v.passed() ? 0 : 1);
 * }</pre>
 */
public final class Gate {

    private Gate() {
    }

    /**
     * How much worse a figure may get before it counts as a regression. The defaults come from the run-to-run spread
     * of {@code ci-quick.yaml} measured on a loaded 2-core machine (see {@code docs/decisions.md}).
     *
     * @param relative latency metric to the relative growth allowed of its normalized value (0.25 = 25 %)
     * @param floorMs  latency metric to the absolute growth (baseline ms) below which nothing counts
     * @param slack    latency metric to how many times the reference's own move between the runs is allowed too
     *                 (more in the tail: the reference gets a tenth of the requests, so its p99 rests on few)
     */
    public record Tolerances(Map<String, Double> relative, Map<String, Double> floorMs, Map<String, Double> slack,
                             double errorRate, double achieved, double hitRate, double knee) {

        public static Tolerances defaults() {
            return new Tolerances(Map.of("p50", 0.20, "p95", 0.25, "p99", 0.60),
                    Map.of("p50", 2.0, "p95", 4.0, "p99", 15.0), Map.of("p50", 1.0, "p95", 1.5, "p99", 2.0),
                    0.005, 0.05, 0.05, 0.35);
        }

        /** A copy with one tolerance changed: {@code p95=0.3}, {@code p95_floor_ms=5}, {@code p99_slack=3}, {@code error_rate=0.01}, ... */
        public Tolerances with(String name, double value) {
            Map<String, Double> rel = new LinkedHashMap<>(relative);
            Map<String, Double> floor = new LinkedHashMap<>(floorMs);
            Map<String, Double> sl = new LinkedHashMap<>(slack);
            double e = errorRate;
            double a = achieved;
            double h = hitRate;
            double k = knee;
            if (rel.containsKey(name)) {
                rel.put(name, value);
            } else if (name.endsWith("_floor_ms") && floor.containsKey(name.replace("_floor_ms", ""))) {
                floor.put(name.replace("_floor_ms", ""), value);
            } else if (name.endsWith("_slack") && sl.containsKey(name.replace("_slack", ""))) {
                sl.put(name.replace("_slack", ""), value);
            } else {
                switch (name) {
                    case "error_rate" -> e = value;
                    case "achieved" -> a = value;
                    case "hit_rate" -> h = value;
                    case "knee" -> k = value;
                    default -> throw new IllegalArgumentException("'" + name + "' is not a tolerance; use one of "
                            + "p50, p95, p99, p50_floor_ms, p95_floor_ms, p99_floor_ms, p50_slack, p95_slack, p99_slack, "
                            + "error_rate, achieved, hit_rate, knee");
                }
            }
            return new Tolerances(rel, floor, sl, e, a, h, k);
        }
    }

    /**
     * One compared figure.
     *
     * @param baseline  the baseline's value (ms, fraction or requests/s)
     * @param run       the run's value
     * @param scaled    the run's value in baseline terms (latency: less the reference's change), else = run
     * @param regressed worse beyond the tolerance
     */
    public record Figure(String phase, String target, String metric, double baseline, double run, double scaled,
                         String allowed, boolean regressed) {

        public String line() {
            return String.format(Locale.ROOT, "%-4s %-14s %-10s %-10s baseline %10s  run %10s  in baseline terms %10s  (%s)",
                    regressed ? "FAIL" : "ok", phase, target, metric, show(metric, baseline), show(metric, run),
                    show(metric, scaled), allowed);
        }
    }

    /** @param problems why figures could not be compared (no common phase, missing reference): the gate cannot pass */
    public record Verdict(List<Figure> figures, List<String> problems) {

        public boolean passed() {
            return problems.isEmpty() && figures.stream().noneMatch(Figure::regressed);
        }

        public boolean comparable() {
            return problems.isEmpty();
        }
    }

    public static Verdict compare(JsonNode baseline, JsonNode run, Tolerances tol) {
        List<Figure> figures = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> runPhases = byName(run.path("phases"));
        int compared = 0;
        for (JsonNode bp : baseline.path("phases")) {
            String phase = bp.path("name").asText();
            JsonNode rp = runPhases.get(phase);
            if (!bp.path("judged").asBoolean(true)) {
                continue;
            }
            if (rp == null) {
                problems.add("phase '" + phase + "' of the baseline is missing from the run");
                continue;
            }
            compared++;
            if (bp.path("kind").asText().equals("ramp")) {
                knee(phase, bp, rp, tol, figures);
                continue;
            }
            String baseRef = reference(bp);
            String runRef = reference(rp);
            for (Iterator<Map.Entry<String, JsonNode>> it = bp.path("targets").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode bt = e.getValue();
                JsonNode rt = rp.path("targets").path(e.getKey());
                if (bt.path("reference").asBoolean()) {
                    continue;
                }
                if (rt.isMissingNode()) {
                    problems.add("target '" + e.getKey() + "' of phase '" + phase + "' is missing from the run");
                    continue;
                }
                for (String m : List.of("p50", "p95", "p99")) {
                    double b = bt.path("latency_ms").path(m).asDouble();
                    double r = rt.path("latency_ms").path(m).asDouble();
                    double shift = 0;
                    String how = "no reference: absolute";
                    if (baseRef != null && runRef != null) {
                        double br = bp.path("targets").path(baseRef).path("latency_ms").path(m).asDouble();
                        double rr = rp.path("targets").path(runRef).path("latency_ms").path(m).asDouble();
                        if (br > 0 && rr > 0) {
                            shift = rr - br;
                            how = String.format(Locale.ROOT, "reference %s %+.2f ms", m, shift);
                        }
                    }
                    double scaled = r - shift;
                    double rel = tol.relative().get(m);
                    // the reference's own move is the measured noise of this run: a machine that moved the
                    // reference by 70 ms may move the target by as much without it meaning anything
                    double allowedMs = Math.max(tol.floorMs().get(m), tol.slack().get(m) * Math.abs(shift));
                    boolean regressed = scaled > b * (1 + rel) && scaled - b > allowedMs;
                    figures.add(new Figure(phase, e.getKey(), m, b, r, round(scaled), String.format(Locale.ROOT,
                            "%s; allowed +%.0f%% and +%.1f ms", how, rel * 100, allowedMs), regressed));
                }
                rate(figures, phase, e.getKey(), "error_rate", bt, rt, tol.errorRate(), true);
                rate(figures, phase, e.getKey(), "achieved", bt, rt, tol.achieved(), false);
                if (bt.hasNonNull("hit_rate") && rt.hasNonNull("hit_rate")) {
                    rate(figures, phase, e.getKey(), "hit_rate", bt, rt, tol.hitRate(), false);
                }
            }
        }
        if (compared == 0 && problems.isEmpty()) {
            problems.add("the baseline has no judged phase to compare");
        }
        return new Verdict(figures, problems);
    }

    private static void knee(String phase, JsonNode bp, JsonNode rp, Tolerances tol, List<Figure> figures) {
        JsonNode bk = bp.path("knee").path("rate");
        JsonNode rk = rp.path("knee").path("rate");
        double b = bk.isNumber() ? bk.asDouble() : 0;
        double r = rk.isNumber() ? rk.asDouble() : 0;
        boolean regressed = r < b * (1 - tol.knee());
        figures.add(new Figure(phase, "", "knee", b, r, r, String.format(Locale.ROOT, "allowed -%.0f%%", tol.knee() * 100),
                regressed));
    }

    private static void rate(List<Figure> figures, String phase, String target, String metric, JsonNode bt, JsonNode rt,
                             double allowed, boolean higherIsWorse) {
        double b = bt.path(metric).asDouble();
        double r = rt.path(metric).asDouble();
        boolean regressed = higherIsWorse ? r > b + allowed : r < b - allowed;
        figures.add(new Figure(phase, target, metric, b, r, r, String.format(Locale.ROOT, "allowed %s%.1f points",
                higherIsWorse ? "+" : "-", allowed * 100), regressed));
    }

    private static String reference(JsonNode phase) {
        for (Iterator<Map.Entry<String, JsonNode>> it = phase.path("targets").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().path("reference").asBoolean()) {
                return e.getKey();
            }
        }
        return null;
    }

    private static Map<String, JsonNode> byName(JsonNode phases) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        phases.forEach(p -> out.put(p.path("name").asText(), p));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String show(String metric, double v) {
        return switch (metric) {
            case "error_rate", "achieved", "hit_rate" -> String.format(Locale.ROOT, "%.2f%%", v * 100);
            case "knee" -> String.format(Locale.ROOT, "%.0f/s", v);
            default -> String.format(Locale.ROOT, "%.2f ms", v);
        };
    }
}

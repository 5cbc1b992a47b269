package io.hubwatch.loadtest.run;

import io.hubwatch.loadtest.run.RunResult.Knee;
import io.hubwatch.loadtest.run.RunResult.PhaseResult;
import io.hubwatch.loadtest.run.RunResult.SloResult;
import io.hubwatch.loadtest.run.RunResult.StepResult;
import io.hubwatch.loadtest.run.RunResult.TargetResult;
import io.hubwatch.loadtest.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure judgement of measured figures: objectives per phase, the ramp's knee and the soak's slopes. No clock, no
 * I/O: tests feed it figures.
 *
 * <pre>{@code
 * Knee knee = Judge.knee(steps);                  // highest rate held before the first broken step
 * double msPerHour = Judge.slopePerHour(t, p95);  // Theil-Sen, t in seconds
 * }</pre>
 */
public final class Judge {

    private static final Set<String> SOAK_ONLY = Set.of("latency_slope", "rss_slope", "heap_slope");
    private static final Set<String> STEP_METRICS = Set.of("p50", "p90", "p95", "p99", "p999", "max", "mean",
            "error_rate", "achieved");

    private Judge() {
    }

    /** A target's figure for an objective's metric, or null when it has none (no hit rate without proxy stats). */
    public static Double metric(TargetResult t, String metric) {
        return switch (metric) {
            case "p50" -> t.latencyMs().p50();
            case "p90" -> t.latencyMs().p90();
            case "p95" -> t.latencyMs().p95();
            case "p99" -> t.latencyMs().p99();
            case "p999" -> t.latencyMs().p999();
            case "max" -> t.latencyMs().max();
            case "mean" -> t.latencyMs().mean();
            case "error_rate" -> t.errorRate();
            case "achieved" -> t.achieved();
            case "hit_rate" -> t.hitRate();
            default -> null;
        };
    }

    /**
     * Why a ramp step broke: the first objective on latency, errors or achieved rate that does not hold on a judged
     * target, or the error limit; null when it held.
     */
    public static String broken(List<Scenario.Slo> slos, Map<String, TargetResult> targets, double errorLimit) {
        for (var e : targets.entrySet()) {
            TargetResult t = e.getValue();
            if (t.reference()) {
                continue;
            }
            if (t.errorRate() > errorLimit) {
                return e.getKey() + ": error rate " + pct(t.errorRate()) + " above the limit " + pct(errorLimit);
            }
            for (Scenario.Slo slo : slos) {
                if (!STEP_METRICS.contains(slo.metric()) || (slo.target() != null && !slo.target().equals(e.getKey()))) {
                    continue;
                }
                Double v = metric(t, slo.metric());
                if (v != null && !slo.holds(v)) {
                    return e.getKey() + ": " + slo.text() + " broke (" + slo.metric() + " " + format(slo.metric(), v) + ")";
                }
            }
        }
        return null;
    }

    /** The knee: the highest rate of the unbroken run of steps from the start, and the first rate that broke. */
    public static Knee knee(List<StepResult> steps) {
        Double held = null;
        for (StepResult s : steps) {
            if (!s.held()) {
                return new Knee(held, s.rate(), s.broke());
            }
            held = s.rate();
        }
        return new Knee(held, null, steps.isEmpty() ? "no step ran" : "every step held: the knee is above the last rate");
    }

    /**
     * The slope of {@code values} over {@code seconds}, per hour: the median of the slopes between every pair of
     * points (Theil–Sen), so that one stalled second on a busy machine does not turn a leak's rising line into a
     * falling one (least squares did: one 1 s spike among 20 ms points flipped the sign); 0 with fewer than two
     * points. Long series are thinned to 400 evenly spaced points first.
     */
    public static double slopePerHour(double[] seconds, double[] values) {
        int n = Math.min(seconds.length, values.length);
        if (n < 2) {
            return 0;
        }
        int m = Math.min(n, 400);
        double[] t = new double[m];
        double[] v = new double[m];
        for (int i = 0; i < m; i++) {
            int j = (int) ((long) i * (n - 1) / Math.max(1, m - 1));
            t[i] = seconds[j];
            v[i] = values[j];
        }
        double[] slopes = new double[m * (m - 1) / 2];
        int k = 0;
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                if (t[j] != t[i]) {
                    slopes[k++] = (v[j] - v[i]) / (t[j] - t[i]);
                }
            }
        }
        if (k == 0) {
            return 0;
        }
        double[] used = java.util.Arrays.copyOf(slopes, k);
        java.util.Arrays.sort(used);
        double median = k % 2 == 1 ? used[k / 2] : (used[k / 2 - 1] + used[k / 2]) / 2;
        return median * 3600;
    }

    /** Judges every judged phase on the scenario's objectives (a ramp on its {@code min_knee}). */
    public static List<SloResult> judge(Scenario scenario, List<PhaseResult> phases) {
        List<SloResult> out = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            PhaseResult p = phases.get(i);
            Scenario.Phase spec = scenario.phases().get(i);
            if (!p.judged()) {
                continue;
            }
            if (spec.kind() == Scenario.Kind.RAMP) {
                if (spec.minKnee() > 0) {
                    double knee = p.knee() == null || p.knee().rate() == null ? 0 : p.knee().rate();
                    out.add(new SloResult("knee >= " + fmt(spec.minKnee()) + "/s", p.name(), null, knee,
                            knee >= spec.minKnee()));
                }
                continue;
            }
            for (Scenario.Slo slo : scenario.slos()) {
                if (SOAK_ONLY.contains(slo.metric())) {
                    if (p.soak() != null) {
                        soak(slo, p, out);
                    }
                    continue;
                }
                for (var e : p.targets().entrySet()) {
                    if (e.getValue().reference() || (slo.target() != null && !slo.target().equals(e.getKey()))) {
                        continue;
                    }
                    Double v = metric(e.getValue(), slo.metric());
                    if (v != null) {
                        out.add(new SloResult(slo.text(), p.name(), e.getKey(), v, slo.holds(v)));
                    }
                }
            }
        }
        return out;
    }

    private static void soak(Scenario.Slo slo, PhaseResult p, List<SloResult> out) {
        if (slo.metric().equals("latency_slope")) {
            double v = p.soak().latencyP95SlopeMsPerHour();
            out.add(new SloResult(slo.text(), p.name(), null, v, slo.holds(v)));
            return;
        }
        for (var e : p.soak().processes().entrySet()) {
            double v = slo.metric().equals("rss_slope") ? e.getValue().rssSlopeMbPerHour()
                    : e.getValue().heapSlopeMbPerHour();
            out.add(new SloResult(slo.text(), p.name(), e.getKey(), v, slo.holds(v)));
        }
    }

    static String format(String metric, double v) {
        return switch (metric) {
            case "error_rate", "hit_rate", "achieved" -> pct(v);
            default -> fmt(v) + " ms";
        };
    }

    static String pct(double v) {
        return fmt(v * 100) + "%";
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.valueOf((long) v);
        }
        return String.format(java.util.Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }
}

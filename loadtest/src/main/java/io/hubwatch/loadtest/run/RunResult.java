package io.hubwatch.loadtest.run;

import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, as written to {@code report.json} (snake_case field names) and read back by the gate.
 *
 * <pre>{@code
 * RunResult r = LoadTest.run(scenario, options);
 * r.phases().get(1).targets().get("proxy").latencyMs().p95();
 * }</pre>
 *
 * @param timeline one point per second of the whole run
 * @param passed   every objective held
 */
public record RunResult(String scenario, String description, String startedAt, Map<String, Object> machine,
                        List<PhaseResult> phases, List<SloResult> slos, List<TimePoint> timeline, boolean passed,
                        List<String> notes) {

    /**
     * One phase. A ramp has {@code steps} and a {@code knee}; a soak has {@code soak}.
     *
     * @param offeredRate the configured rate (a ramp's first step)
     */
    public record PhaseResult(String name, String kind, double offeredRate, double seconds, boolean judged,
                              Map<String, TargetResult> targets, List<StepResult> steps, Knee knee, Soak soak) {
    }

    /**
     * The figures of one target in one phase or ramp step.
     *
     * @param achieved    successful answers per second over the offered rate (1.0: kept up)
     * @param hitRate     the proxy's hit rate over the phase (from its stats), or null when it has none
     * @param statuses    count per HTTP status, {@code timeout} or {@code connect}
     */
    public record TargetResult(boolean reference, long sent, long ok, long errors, double errorRate,
                               double offeredRate, double achievedRate, double achieved, Latency latencyMs,
                               Double hitRate, Map<String, Long> statuses) {
    }

    /** Latency percentiles in milliseconds, measured from each request's intended send time. */
    public record Latency(double p50, double p90, double p95, double p99, double p999, double max, double mean) {
    }

    /** One ramp step; {@code broke} says which objective or limit it broke, or null when it held. */
    public record StepResult(double rate, Map<String, TargetResult> targets, boolean held, String broke) {
    }

    /**
     * @param rate    the highest rate held before the first broken step (null when the first step broke)
     * @param brokeAt the first rate that broke (null when every step held)
     * @param reason  what broke there
     */
    public record Knee(Double rate, Double brokeAt, String reason) {
    }

    /** A soak's trends: slopes per hour (Theil-Sen) over the phase. */
    public record Soak(double latencyP95SlopeMsPerHour, double latencyP95StartMs, double latencyP95EndMs,
                       Map<String, ProcessTrend> processes) {
    }

    public record ProcessTrend(long pid, double rssSlopeMbPerHour, double heapSlopeMbPerHour, double rssStartMb,
                               double rssEndMb, double heapStartMb, double heapEndMb, List<double[]> samples) {
    }

    /** One objective judged on one phase and target; {@code value} is in the objective's unit. */
    public record SloResult(String slo, String phase, String target, double value, boolean held) {
    }

    /**
     * One second of the run: what was offered, sent and answered, and the latency of the answers completed in it
     * (judged targets together; {@code refP50} for the reference targets; -1 when nothing completed).
     */
    public record TimePoint(double t, String phase, double offered, double sent, double ok, double errors, double p50,
                            double p95, double p99, double max, double refP50) {
    }
}

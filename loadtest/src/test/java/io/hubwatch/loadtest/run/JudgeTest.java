package io.hubwatch.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.loadtest.scenario.ScenarioLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Knee and slope from figures, without a clock. */
class JudgeTest {

    private static RunResult.TargetResult target(double p95, double errorRate) {
        return new RunResult.TargetResult(false, 100, 100, 0, errorRate, 100, 100, 1.0,
                new RunResult.Latency(p95 / 2, p95, p95, p95, p95, p95, p95 / 2), null, Map.of());
    }

    private static RunResult.StepResult step(double rate, double p95, double errors) {
        Map<String, RunResult.TargetResult> t = Map.of("api", target(p95, errors));
        String broke = Judge.broken(List.of(ScenarioLoader.slo("p95 < 200ms")), t, 0.01);
        return new RunResult.StepResult(rate, t, broke == null, broke);
    }

    @Test
    void theKneeIsTheLastRateHeldBeforeTheFirstBrokenStep() {
        RunResult.Knee knee = Judge.knee(List.of(step(100, 20, 0), step(200, 40, 0), step(300, 900, 0),
                step(400, 100, 0)));

        assertThat(knee.rate()).isEqualTo(200.0);
        assertThat(knee.brokeAt()).isEqualTo(300.0);
        assertThat(knee.reason()).isEqualTo("api: p95 < 200ms broke (p95 900 ms)");
    }

    @Test
    void errorsPastTheLimitBreakAStepAndAFirstBrokenStepLeavesNoKnee() {
        RunResult.Knee knee = Judge.knee(List.of(step(100, 20, 0.05)));

        assertThat(knee.rate()).isNull();
        assertThat(knee.reason()).contains("error rate 5% above the limit 1%");
        assertThat(Judge.knee(List.of(step(100, 20, 0))).brokeAt()).isNull();
    }

    @Test
    void oneStalledSecondDoesNotTurnARisingSlopeIntoAFallingOne() {
        double[] t = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] p95 = {1000, 12, 14, 16, 18, 20, 22, 24, 26, 28};   // a stall in the first second, then +2 ms/s

        assertThat(Judge.slopePerHour(t, p95)).isCloseTo(7200.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void theSlopeIsPerHour() {
        double[] t = {0, 60, 120, 180};
        assertThat(Judge.slopePerHour(t, new double[] {10, 11, 12, 13})).isCloseTo(60.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Judge.slopePerHour(t, new double[] {10, 10, 10, 10})).isZero();
        assertThat(Judge.slopePerHour(new double[] {0}, new double[] {5})).isZero();
    }
}

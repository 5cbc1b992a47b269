package io.hubwatch.loadtest.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The gate compares figures against their noise, latencies as ratios to the same run's reference target. */
class GateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A report with one judged phase: the proxy and the reference upstream served directly. */
    static JsonNode report(double proxyP50, double proxyP95, double proxyP99, double refP50, double refP95,
                           double refP99, double errorRate, double hitRate) throws Exception {
        return JSON.readTree("""
                {"phases": [
                  {"name": "warm-up", "kind": "constant", "judged": false, "targets": {}},
                  {"name": "steady", "kind": "constant", "judged": true, "targets": {
                    "proxy": {"reference": false, "error_rate": %s, "achieved": 1.0, "hit_rate": %s,
                              "latency_ms": {"p50": %s, "p95": %s, "p99": %s}},
                    "direct": {"reference": true, "error_rate": 0, "achieved": 1.0, "hit_rate": null,
                               "latency_ms": {"p50": %s, "p95": %s, "p99": %s}}}}]}
                """.formatted(errorRate, hitRate, proxyP50, proxyP95, proxyP99, refP50, refP95, refP99));
    }

    private final JsonNode baseline = report(20, 40, 80, 20, 30, 45, 0, 0.9);

    GateTest() throws Exception {
    }

    @Test
    void aPlanted30PercentLatencyRegressionFails() throws Exception {
        JsonNode slower = report(26, 52, 104, 20, 30, 45, 0, 0.9);

        Gate.Verdict v = Gate.compare(baseline, slower, Gate.Tolerances.defaults());

        assertThat(v.passed()).isFalse();
        assertThat(v.figures()).filteredOn(Gate.Figure::regressed).extracting(Gate.Figure::metric)
                .contains("p50", "p95");
    }

    @Test
    void aReRunWithinTheNoisePasses() throws Exception {
        JsonNode again = report(21.5, 44, 110, 20.5, 31, 47, 0.0004, 0.89);

        Gate.Verdict v = Gate.compare(baseline, again, Gate.Tolerances.defaults());

        assertThat(v.figures()).noneMatch(Gate.Figure::regressed);
        assertThat(v.passed()).isTrue();
    }

    @Test
    void aBusierMachineThatSlowsTheReferenceAlikeIsNoRegression() throws Exception {
        // every request waited ~50 ms more for a core, the reference's too: the machine, not the proxy
        JsonNode fast = report(0.4, 3, 8, 20, 22, 25, 0, 0.9);
        JsonNode busy = report(50.4, 53, 58, 70, 72, 75, 0, 0.9);

        Gate.Verdict v = Gate.compare(fast, busy, Gate.Tolerances.defaults());

        assertThat(v.passed()).isTrue();
        assertThat(v.figures()).filteredOn(f -> f.metric().equals("p50")).singleElement()
                .satisfies(f -> assertThat(f.scaled()).isEqualTo(0.4));
        // the same run judged without its reference would fail
        JsonNode noReference = withoutReference(busy);
        assertThat(Gate.compare(fast, noReference, Gate.Tolerances.defaults()).passed()).isFalse();
    }

    /** The report without its reference target. */
    private static JsonNode withoutReference(JsonNode report) {
        JsonNode copy = report.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("phases").get(1).path("targets")).remove("direct");
        return copy;
    }

    @Test
    void theReferencesOwnMoveWidensTheAllowance() throws Exception {
        // measured: ci-quick at a quieter moment, then under load average 33 (hits wait longer for a core than the
        // reference's requests do, so subtracting alone leaves +14 ms on p50, +880 ms on p95, +1,425 ms on p99)
        JsonNode quiet = report(5.3, 64, 113, 31.6, 80, 130, 0, 0.98);
        JsonNode loaded = report(92.5, 1812, 2648, 105, 1013, 1240, 0, 0.98);

        assertThat(Gate.compare(quiet, loaded, Gate.Tolerances.defaults()).figures()).noneMatch(Gate.Figure::regressed);
        // the same target slower by 30 ms with the reference unmoved is still caught
        assertThat(Gate.compare(quiet, report(35.3, 94, 143, 31.6, 80, 130, 0, 0.98), Gate.Tolerances.defaults())
                .passed()).isFalse();
    }

    @Test
    void subMillisecondJitterBelowTheFloorIsNoRegression() throws Exception {
        JsonNode fast = report(0.3, 0.8, 2, 20, 30, 45, 0, 0.9);
        JsonNode jittery = report(0.9, 2.5, 9, 20, 30, 45, 0, 0.9);

        assertThat(Gate.compare(fast, jittery, Gate.Tolerances.defaults()).passed()).isTrue();
    }

    @Test
    void moreErrorsOrAFallingHitRateFail() throws Exception {
        assertThat(Gate.compare(baseline, report(20, 40, 80, 20, 30, 45, 0.02, 0.9), Gate.Tolerances.defaults())
                .passed()).isFalse();
        assertThat(Gate.compare(baseline, report(20, 40, 80, 20, 30, 45, 0, 0.7), Gate.Tolerances.defaults())
                .passed()).isFalse();
    }

    @Test
    void aRunWithoutTheBaselinesPhaseCannotBeCompared() throws Exception {
        JsonNode other = JSON.readTree("{\"phases\": [{\"name\": \"other\", \"judged\": true, \"targets\": {}}]}");

        Gate.Verdict v = Gate.compare(baseline, other, Gate.Tolerances.defaults());

        assertThat(v.comparable()).isFalse();
        assertThat(v.problems()).singleElement().asString().contains("phase 'steady'");
    }
}

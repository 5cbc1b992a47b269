package io.hubwatch.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LifecycleFieldsTest {

    private static final String FULL = """
            rules:
              - id: hot
                metric: cpu_usage
                op: ">"
                threshold: 80
                for: 1m
                severity: warning
                keep_firing_for: 2m
                recovery_threshold: 75
                absent_for: 10m
            inhibit_rules:
              - source_matchers: ['alertname="critical_cpu_usage"']
                target_matchers: ['alertname="high_cpu_usage"']
                equal: [host]
            """;

    @Test
    void lifecycleFieldsAndInhibitRulesAreRead() throws Exception {
        RuleSet set = RuleFiles.parse(FULL, "t");
        Rule r = set.rules().get(0);
        assertThat(r.keepFiringFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(r.recoveryThreshold()).isEqualTo(75.0);
        assertThat(r.absentFor()).isEqualTo(Duration.ofMinutes(10));
        assertThat(set.inhibitRules()).singleElement().satisfies(i -> {
            assertThat(i.mutes(Map.of("alertname", "critical_cpu_usage", "host", "a"),
                    Map.of("alertname", "high_cpu_usage", "host", "a"))).isTrue();
            assertThat(i.mutes(Map.of("alertname", "critical_cpu_usage", "host", "a"),
                    Map.of("alertname", "high_cpu_usage", "host", "b"))).as("other host").isFalse();
        });
    }

    @Test
    void recoveryNeedsTheValueBackPastTheRecoveryThreshold() throws Exception {
        Rule r = RuleFiles.parse(FULL, "t").rules().get(0);
        assertThat(r.recovered(85)).isFalse();
        assertThat(r.recovered(78)).as("below 80 but above 75").isFalse();
        assertThat(r.recovered(75)).isTrue();
    }

    @Test
    void aRecoveryThresholdOnTheWrongSideIsRejected() {
        RuleFileException e = catchThrowableOfType(RuleFileException.class, () -> RuleFiles.parse(
                "rules: [{id: a, metric: m, op: '>', threshold: 80, severity: info, recovery_threshold: 90}]", "t"));
        assertThat(e.problems()).containsExactly(
                "rule 'a' (rules[0]): field 'recovery_threshold': 90 must lie on the normal side of the threshold 80 (op >)");
    }

    @Test
    void badLifecycleDurationsAreRejected() {
        RuleFileException e = catchThrowableOfType(RuleFileException.class, () -> RuleFiles.parse(
                "rules: [{id: a, metric: m, op: '>', threshold: 80, severity: info, keep_firing_for: -1m, absent_for: 0s}]", "t"));
        assertThat(e.problems()).containsExactly(
                "rule 'a' (rules[0]): field 'keep_firing_for': must not be negative, was '-1m'",
                "rule 'a' (rules[0]): field 'absent_for': must be longer than 0s");
    }

    @Test
    void badInhibitRulesAreRejected() {
        RuleFileException e = catchThrowableOfType(RuleFileException.class, () -> RuleFiles.parse(
                "rules: []\ninhibit_rules: [{source_matchers: ['a=b'], equal: ['x-y'], extra: 1}]", "t"));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "inhibit_rules[0]: unknown field 'extra' (known: source_matchers, target_matchers, equal)",
                "inhibit_rules[0]: missing required field 'target_matchers'",
                "inhibit_rules[0]: field 'equal': 'x-y' is not a label name");
    }

    @Test
    void aRuleRoundTripsThroughItsJsonForm() throws Exception {
        Rule r = RuleFiles.parse(FULL, "t").rules().get(0);
        Rule back = RuleFiles.parseRule(RuleFiles.toJson(r), "json");
        assertThat(back).isEqualTo(r);
    }

    @Test
    void aSingleRuleReportsProblemsByField() {
        RuleFileException e = catchThrowableOfType(RuleFileException.class,
                () -> RuleFiles.parseRule("{\"id\": \"a\", \"metric\": \"m\", \"op\": \"=>\", \"threshold\": 1, \"severity\": \"info\"}", "body"));
        assertThat(e.problems()).containsExactly("field 'op': '=>' is not one of > < >= <= = !=");
    }

    @Test
    void silencesMuteMatchingLabelsOnlyWhileActive() throws Exception {
        Instant start = Instant.parse("2026-11-26T00:00:00Z");
        Silence s = new Silence("s1", List.of(LabelMatcher.parse("host=~web-.*")), start, start.plusSeconds(3600), "me", "c");
        assertThat(s.mutes(Map.of("host", "web-1"), start.plusSeconds(10))).isTrue();
        assertThat(s.mutes(Map.of("host", "db-1"), start.plusSeconds(10))).isFalse();
        assertThat(s.mutes(Map.of("host", "web-1"), start.plusSeconds(3600))).as("expired").isFalse();
        String json = new ObjectMapper().findAndRegisterModules().writeValueAsString(s);
        assertThat(json).contains("\"matchers\":[\"host=~\\\"web-.*\\\"\"]");
        assertThatThrownBy(() -> new Silence("s2", List.of(), start, start.plusSeconds(1), "me", ""))
                .hasMessage("a silence needs at least one matcher");
    }

    @Test
    void perMetricAnomalySettingsLiveInTheRuleFile() throws Exception {
        RuleSet set = RuleFiles.parse("rules: []\nanomaly:\n  - {metric: api_response_time, sensitivity: 0.8}\n", "t");
        assertThat(set.anomalySettings()).singleElement().satisfies(a -> {
            assertThat(a.metric()).isEqualTo("api_response_time");
            assertThat(a.sensitivity()).isEqualTo(0.8);
        });
        RuleFileException e = catchThrowableOfType(RuleFileException.class,
                () -> RuleFiles.parse("rules: []\nanomaly: {metric: x}\n", "t"));
        assertThat(e.problems()).containsExactly("'anomaly' must be a list of per-metric anomaly settings");
    }
}

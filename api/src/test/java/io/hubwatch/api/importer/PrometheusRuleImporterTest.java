package io.hubwatch.api.importer;

import io.hubwatch.events.Severity;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.Op;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusRuleImporterTest {

    private static PrometheusRuleImporter.Result importFile() throws Exception {
        try (InputStream in = PrometheusRuleImporterTest.class.getResourceAsStream("/prometheus/node-alerts.yml")) {
            return PrometheusRuleImporter.convert(new String(in.readAllBytes(), StandardCharsets.UTF_8), "node-alerts.yml");
        }
    }

    private static Map<String, Rule> byId(PrometheusRuleImporter.Result r) {
        return r.rules().stream().collect(Collectors.toMap(Rule::id, Function.identity()));
    }

    private static Map<String, String> reasons(PrometheusRuleImporter.Result r) {
        return r.refused().stream().collect(Collectors.toMap(PrometheusRuleImporter.Refusal::alert,
                PrometheusRuleImporter.Refusal::reason));
    }

    @Test
    void convertsEveryThresholdAlertOfARealisticFile() throws Exception {
        assertThat(byId(importFile())).containsOnlyKeys("HostHighCpuLoad", "HostHighCpuLoad_critical",
                "HostOutOfDiskSpace", "HostDown", "ApiSlowResponses");
    }

    @Test
    void keepsMatchersForKeepFiringForLabelsAndAnnotations() throws Exception {
        Rule r = byId(importFile()).get("HostHighCpuLoad");
        assertThat(r.metric()).isEqualTo("cpu_usage");
        assertThat(r.op()).isEqualTo(Op.GT);
        assertThat(r.threshold()).isEqualTo(80);
        assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.keepFiringFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(r.severity()).isEqualTo(Severity.WARNING);
        assertThat(r.matchers()).containsExactly(LabelMatcher.parse("job=\"node\""), LabelMatcher.parse("instance=~\"web-.*\""));
        assertThat(r.labels()).containsExactly(Map.entry("team", "platform"));
        assertThat(r.annotations()).containsEntry("summary", "High CPU on {{ $labels.instance }}")
                .containsEntry("description", "CPU is at {{ $value }}% (> 80%)");
    }

    @Test
    void flipsNumberOpMetricAndMapsSeverities() throws Exception {
        Map<String, Rule> rules = byId(importFile());
        Rule disk = rules.get("HostOutOfDiskSpace");
        assertThat(disk.op()).isEqualTo(Op.LT);
        assertThat(disk.threshold()).isEqualTo(10);
        assertThat(disk.severity()).as("'page'").isEqualTo(Severity.CRITICAL);
        assertThat(disk.matchers()).containsExactly(LabelMatcher.parse("fstype!~\"tmpfs|overlay\""),
                LabelMatcher.parse("mountpoint=\"/\""));
        assertThat(rules.get("HostDown").op()).isEqualTo(Op.EQ);
        assertThat(rules.get("ApiSlowResponses").op()).isEqualTo(Op.GE);
    }

    @Test
    void namesEveryRefusedAlertWithItsReason() throws Exception {
        PrometheusRuleImporter.Result r = importFile();
        Map<String, String> reasons = reasons(r);
        assertThat(reasons).containsOnlyKeys("HostMemoryUnderMemoryPressure", "HostNetworkReceiveErrors", "HostClockSkew",
                "ApiErrorsVsTraffic", "ApiLatencyYesterday", "ApiErrorRatio", "NoTraffic", "ApiBoolCompare", "ApiForInWords");
        assertThat(reasons.get("HostMemoryUnderMemoryPressure")).contains("function 'rate'");
        assertThat(reasons.get("HostNetworkReceiveErrors")).contains("aggregation 'sum'");
        assertThat(reasons.get("HostClockSkew")).contains("combines series with 'and'");
        assertThat(reasons.get("ApiErrorsVsTraffic")).contains("compares two series");
        assertThat(reasons.get("ApiLatencyYesterday")).contains("offset");
        assertThat(reasons.get("ApiErrorRatio")).contains("arithmetic");
        assertThat(reasons.get("NoTraffic")).contains("function 'absent'");
        assertThat(reasons.get("ApiBoolCompare")).contains("bool");
        assertThat(reasons.get("ApiForInWords")).contains("for").contains("5 minutes");
        assertThat(r.refused()).allSatisfy(f -> assertThat(f.toString()).startsWith("group '" + f.group() + "', alert '"));
        assertThat(r.recordingRulesSkipped()).isEqualTo(1);
    }

    @Test
    void notesTemplatesHubwatchDoesNotRenderAndRenamedIds() throws Exception {
        List<String> notes = importFile().notes();
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("HostOutOfDiskSpace").contains("humanize"));
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("HostHighCpuLoad_critical"));
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("severity 'page' mapped to critical"));
    }

    @Test
    void theOutputIsAValidHubwatchRuleFileWithTheSameRules() throws Exception {
        PrometheusRuleImporter.Result r = importFile();
        RuleSet back = RuleFiles.parse(r.ruleFileYaml(), "converted");
        assertThat(back.rules()).containsExactlyElementsOf(r.rules());
    }

    @Test
    void acceptsNameMatchersNegativeNumbersAndOuterParentheses() throws Exception {
        PrometheusRuleImporter.Result r = PrometheusRuleImporter.convert("""
                groups:
                  - name: g
                    rules:
                      - alert: A
                        expr: '({__name__="temperature", room="a"} < -5.5)'
                      - alert: B
                        expr: 'temperature{room="b\\\\.c"} != 0x10'
                """, "inline");
        assertThat(r.refused()).isEmpty();
        assertThat(r.rules().get(0).metric()).isEqualTo("temperature");
        assertThat(r.rules().get(0).threshold()).isEqualTo(-5.5);
        assertThat(r.rules().get(0).matchers()).containsExactly(LabelMatcher.parse("room=\"a\""));
        assertThat(r.rules().get(1).threshold()).isEqualTo(16);
        assertThat(r.rules().get(1).matchers().get(0).value()).isEqualTo("b\\.c");
    }

    @Test
    void refusesRangeVectorsAndSubqueriesOutsideFunctions() throws Exception {
        PrometheusRuleImporter.Result r = PrometheusRuleImporter.convert("""
                groups:
                  - name: g
                    rules:
                      - alert: R
                        expr: 'node_load1[5m] > 1'
                """, "inline");
        assertThat(r.refused()).singleElement().satisfies(f -> assertThat(f.reason()).contains("range vector"));
    }

    @Test
    void aFileWithoutGroupsIsRefusedAsAWhole() {
        assertThatThrownBy(() -> PrometheusRuleImporter.convert("rules: []", "mine.yaml"))
                .isInstanceOf(PrometheusRuleImporter.ImportException.class)
                .hasMessageContaining("mine.yaml").hasMessageContaining("groups");
        assertThatThrownBy(() -> PrometheusRuleImporter.convert("groups: [", "bad.yaml"))
                .hasMessageContaining("not valid YAML");
    }
}

package io.hubwatch.rules;

import io.hubwatch.events.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RuleFilesTest {

    private static final String GOOD = """
            rules:
              - id: high_cpu
                metric: cpu_usage
                op: ">"
                threshold: 80
                for: 5m
                severity: warning
                matchers: ['host=~"web-.*"']
                labels: {team: platform}
                annotations: {summary: "CPU {{$value}} on {{host}}"}
            """;

    /** The problems the parser reports for a file made of one rule with the given body lines. */
    private static List<String> problemsOf(String yaml) {
        RuleFileException e = catchThrowableOfType(RuleFileException.class, () -> RuleFiles.parse(yaml, "test.yaml"));
        assertThat(e).as("expected the file to be rejected").isNotNull();
        return e.problems();
    }

    private static String rule(String... lines) {
        StringBuilder sb = new StringBuilder("rules:\n  - ");
        for (int i = 0; i < lines.length; i++) {
            sb.append(i == 0 ? "" : "    ").append(lines[i]).append('\n');
        }
        return sb.toString();
    }

    private static final String[] BASE = {"id: r1", "metric: cpu_usage", "op: '>'", "threshold: 80", "for: 5m", "severity: warning"};

    private static String ruleWith(String field, String line) {
        List<String> lines = new java.util.ArrayList<>();
        for (String l : BASE) {
            if (!l.startsWith(field + ":")) {
                lines.add(l);
            }
        }
        if (line != null) {
            lines.add(line);
        }
        return rule(lines.toArray(String[]::new));
    }

    @Test
    void aGoodFileParsesEveryField() throws Exception {
        Rule r = RuleFiles.parse(GOOD, "good.yaml").rules().get(0);
        assertThat(r.id()).isEqualTo("high_cpu");
        assertThat(r.metric()).isEqualTo("cpu_usage");
        assertThat(r.op()).isEqualTo(Op.GT);
        assertThat(r.threshold()).isEqualTo(80.0);
        assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.severity()).isEqualTo(Severity.WARNING);
        assertThat(r.appliesTo(Map.of("host", "web-1"))).isTrue();
        assertThat(r.appliesTo(Map.of("host", "db-1"))).isFalse();
        assertThat(r.labels()).containsEntry("team", "platform");
        assertThat(r.describe()).isEqualTo("cpu_usage > 80 for 5m");
    }

    @Test
    void theDefaultsAreTheSeedsSixRules() {
        RuleSet defaults = RuleSet.defaults();
        assertThat(defaults.rules()).extracting(Rule::describe).containsExactly(
                "cpu_usage > 80 for 5m", "cpu_usage > 95 for 2m", "memory_usage > 85 for 5m",
                "api_response_time > 5000 for 1m", "error_rate > 5 for 2m", "disk_usage > 90 for 5m");
        assertThat(defaults.rules()).extracting(Rule::id).containsExactly("high_cpu_usage", "critical_cpu_usage",
                "high_memory_usage", "critical_response_time", "high_error_rate", "disk_space_low");
        assertThat(defaults.rules()).extracting(Rule::severity).containsExactly(Severity.WARNING, Severity.CRITICAL,
                Severity.WARNING, Severity.CRITICAL, Severity.WARNING, Severity.WARNING);
    }

    @Test
    void forIsOptionalAndDefaultsToZero() throws Exception {
        assertThat(RuleFiles.parse(ruleWith("for", null), "t").rules().get(0).forDuration()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing id         | id        |                       | rules[0]: missing required field 'id'
            missing metric     | metric    |                       | rule 'r1' (rules[0]): missing required field 'metric'
            missing op         | op        |                       | rule 'r1' (rules[0]): missing required field 'op'
            missing threshold  | threshold |                       | rule 'r1' (rules[0]): missing required field 'threshold'
            missing severity   | severity  |                       | rule 'r1' (rules[0]): missing required field 'severity'
            bad op             | op        | op: '=>'              | rule 'r1' (rules[0]): field 'op': '=>' is not one of > < >= <= = !=
            text threshold     | threshold | threshold: high       | rule 'r1' (rules[0]): field 'threshold': must be a number, was "high"
            nan threshold      | threshold | threshold: .nan       | not valid YAML at line 7, column 20: Malformed numeric value '.nan'
            bad duration       | for       | for: 5 minutes        | rule 'r1' (rules[0]): field 'for': '5 minutes' is not a duration (use e.g. 30s, 5m, 1h30m)
            number duration    | for       | for: 300              | rule 'r1' (rules[0]): field 'for': must be a duration such as 30s or 5m, was 300
            negative duration  | for       | for: -5m              | rule 'r1' (rules[0]): field 'for': must not be negative, was '-5m'
            bad severity       | severity  | severity: page        | rule 'r1' (rules[0]): field 'severity': 'page' is not one of critical, warning, info
            bad metric name    | metric    | metric: cpu usage     | rule 'r1' (rules[0]): field 'metric': 'cpu usage' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)
            bad id             | id        | id: 9lives            | rule '9lives' (rules[0]): field 'id': '9lives' must start with a letter or _ and use only letters, digits, _ . : -
            unknown field      | op        | op: '>'\\n    treshold: 1 | rule 'r1' (rules[0]): unknown field 'treshold' (known: id, metric, op, threshold, for, severity, matchers, labels, annotations, keep_firing_for, recovery_threshold, absent_for)
            bad matcher        | op        | op: '>'\\n    matchers: ['host~web'] | rule 'r1' (rules[0]): field 'matchers[0]': 'host~web' is not a label matcher (use name=value, name!=value, name=~regex or name!~regex)
            bad regex          | op        | op: '>'\\n    matchers: ['host=~\"(\"'] | rule 'r1' (rules[0]): field 'matchers[0]': 'host=~"("' has an invalid regex: missing closing )
            matchers not list  | op        | op: '>'\\n    matchers: host=web | rule 'r1' (rules[0]): field 'matchers': must be a list such as ['host="web-1"', 'mount=~"/data.*"']
            labels not map     | op        | op: '>'\\n    labels: [a] | rule 'r1' (rules[0]): field 'labels': must be a mapping of names to texts, was ["a"]
            bad label name     | op        | op: '>'\\n    labels: {'a-b': x} | rule 'r1' (rules[0]): field 'labels.a-b': not a valid label name
            annotation object  | op        | op: '>'\\n    annotations: {summary: {a: b}} | rule 'r1' (rules[0]): field 'annotations.summary': must be a text, was {"a":"b"}
            """)
    void aBadFieldIsRejectedNamingRuleAndField(String name, String replaced, String line, String message) {
        String yaml = ruleWith(replaced, line == null ? null : line.replace("\\n", "\n"));
        assertThat(problemsOf(yaml)).containsExactly(message);
    }

    @Test
    void duplicateIdsAreRejected() {
        String yaml = "rules:\n" + "  - {id: a, metric: m, op: '>', threshold: 1, severity: info}\n"
                + "  - {id: a, metric: m, op: '<', threshold: 1, severity: info}\n";
        assertThat(problemsOf(yaml)).containsExactly("rule 'a' (rules[1]): field 'id': duplicate id 'a'");
    }

    @Test
    void everyProblemIsReportedNotOnlyTheFirst() {
        String yaml = "rules:\n" + "  - {id: a, metric: m, op: '>>', threshold: x, severity: info}\n"
                + "  - {id: b, metric: m, op: '>', threshold: 1, severity: loud}\n";
        assertThat(problemsOf(yaml)).hasSize(3);
    }

    @Test
    void fileShapesAreRejected() {
        assertThat(problemsOf("")).containsExactly("the file is empty; expected a top-level 'rules:' list");
        assertThat(problemsOf("- a\n- b\n")).containsExactly("expected a mapping with a top-level 'rules:' list");
        assertThat(problemsOf("groups: []\n")).containsExactly("unknown top-level field 'groups' (expected 'rules', 'inhibit_rules' or 'anomaly')",
                "missing top-level 'rules:' list");
        assertThat(problemsOf("rules: {id: a}\n")).containsExactly("'rules' must be a list of rules");
        assertThat(problemsOf("rules:\n  - just-text\n"))
                .containsExactly("rules[0]: expected a mapping with id, metric, op, threshold, for, severity");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThat(problemsOf("rules:\n  - id: a\n   metric: [unclosed\n").get(0))
                .startsWith("not valid YAML at line ");
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> RuleFiles.read(Path.of("/no/such/rules.yaml")))
                .isInstanceOf(RuleFileException.class).hasMessage("/no/such/rules.yaml: file not found");
    }
}

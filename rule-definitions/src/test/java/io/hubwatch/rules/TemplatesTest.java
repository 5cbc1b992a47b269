package io.hubwatch.rules;

import io.hubwatch.events.Durations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplatesTest {

    @Test
    void labelsValueAndThresholdAreFilledIn() {
        assertThat(Templates.render("{{host}} at {{$value}} > {{$threshold}} ({{ $labels.mount }}, {{missing}})",
                Map.of("host", "web-1", "mount", "/"), 92.5, 90)).isEqualTo("web-1 at 92.5 > 90 (/, )");
    }

    @Test
    void replacementTextIsTakenLiterally() {
        assertThat(Templates.render("{{host}}", Map.of("host", "$1\\x"), 0, 0)).isEqualTo("$1\\x");
    }

    @Test
    void durationsParseAndFormat() {
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.format(Duration.ofSeconds(125))).isEqualTo("2m5s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThatThrownBy(() -> Durations.parse("5")).hasMessage("'5' is not a duration (use e.g. 30s, 5m, 1h30m)");
    }

    @Test
    void matchersFollowPrometheusSemantics() {
        assertThat(LabelMatcher.parse("host=\"web-1\"").matches(Map.of("host", "web-1"))).isTrue();
        assertThat(LabelMatcher.parse("host!=web-1").matches(Map.of())).isTrue();
        assertThat(LabelMatcher.parse("host=~web-.*").matches(Map.of("host", "xweb-1"))).as("anchored").isFalse();
        assertThat(LabelMatcher.parse("host!~web-.*").matches(Map.of("host", "db"))).isTrue();
    }

    @Test
    void operatorsCompare() {
        assertThat(Op.GE.test(80, 80)).isTrue();
        assertThat(Op.GT.test(80, 80)).isFalse();
        assertThat(Op.fromSymbol("==")).isEqualTo(Op.EQ);
        assertThat(Op.NE.test(1, 2)).isTrue();
    }
}

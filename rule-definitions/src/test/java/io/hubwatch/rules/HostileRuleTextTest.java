package io.hubwatch.rules;

import io.hubwatch.events.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an outside probe of the alerts API sent (issue 11): each must be refused with a message that says what is
 * wrong, never an unchecked exception (a 500) nor an out-of-memory error that takes the whole {@code up} JVM along.
 */
class HostileRuleTextTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aRegexWhoseNestedRepetitionsExpandToBillionsOfStepsIsRefusedBeforeItIsCompiled() {
        // RE2 expands x{n} into n copies: this one is 10^9 copies of 'a', and compiling it ran a 2 GB heap out
        assertThatThrownBy(() -> LabelMatcher.parse("host=~\"((a{1000}){1000}){1000}\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> LabelMatcher.parse("host=~\"(x(a{1000}){1000})+\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void ordinaryRegexesWithRepetitionsStillCompile() {
        assertThat(LabelMatcher.parse("host=~\"web-[0-9]{1,3}\"").matches(java.util.Map.of("host", "web-12"))).isTrue();
        assertThat(LabelMatcher.parse("path=~\"(/[a-z]{2,16}){1,8}\"").matches(java.util.Map.of("path", "/ab/cd"))).isTrue();
        assertThat(LabelMatcher.parse("a=~\"[{}]{2}\"").matches(java.util.Map.of("a", "{}"))).isTrue();
        assertThat(LabelMatcher.parse("a=~\"x\\\\{1000}\"").matches(java.util.Map.of("a", "x{1000}"))).isTrue();
    }

    @Test
    void aMatcherValueWithANulOrControlCharacterIsRefusedAsLabelsAre() {
        // a NUL reached PostgreSQL's jsonb and came back as a 500 ("unsupported Unicode escape sequence")
        assertThatThrownBy(() -> LabelMatcher.parse("host=\"a\u0000b\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> LabelMatcher.parse("host=~\"a\u0007\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters");
    }

    @Test
    void aDurationBeyondAHundredYearsOrBeyondALongIsRefusedWithTheReason() {
        for (String text : new String[] {"99999999999999999y", "9223372036854775807s", "106751991167301d",
                "9223372036854775808ms", "9999999999999999999d", "101y", "36501d"}) {
            assertThatThrownBy(() -> Durations.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + text + "' is longer than the limit of 100y");
        }
        assertThat(Durations.parse("100y")).isEqualTo(Duration.ofDays(36_500));
        assertThat(Durations.format(Durations.parse("100y"))).isEqualTo("36500d");
    }

    @Test
    void aRuleWithAnAbsurdDurationIsAProblemOfThatField() {
        assertThatThrownBy(() -> RuleFiles.parse("rules:\n- {id: r, metric: m, op: '>', threshold: 1, for: 9223372036854775807s, severity: warning}\n", "probe.yaml"))
                .isInstanceOf(RuleFileException.class)
                .hasMessageContaining("field 'for'")
                .hasMessageContaining("longer than the limit");
    }

    @Test
    void aThresholdBeyondADoubleIsRefusedAsNotFiniteAndMinusZeroIsZero() throws RuleFileException {
        // the probe's unchecked cases: JSON numbers that parse to infinity (1e400, a 400-digit integer)
        for (String number : new String[] {"1e400", "-1e400", "1" + "0".repeat(400)}) {
            assertThatThrownBy(() -> RuleFiles.parseRule(
                    "{\"id\": \"r\", \"metric\": \"m\", \"op\": \">\", \"threshold\": " + number
                            + ", \"severity\": \"warning\"}", "api")).as(number)
                    .isInstanceOf(RuleFileException.class)
                    .hasMessageContaining("field 'threshold': must be finite");
        }
        Rule zero = RuleFiles.parseRule(
                "{\"id\": \"r\", \"metric\": \"m\", \"op\": \">\", \"threshold\": -0, \"severity\": \"warning\"}", "api");
        assertThat(zero.threshold()).isEqualTo(0.0);
    }
}

package io.hubwatch.rules;

import io.hubwatch.events.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelMatcherTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS) // a backtracking engine needs longer than the universe's age here
    void aPatternThatBacktracksExponentiallyElsewhereMatchesInLinearTime() {
        LabelMatcher m = LabelMatcher.parse("path=~\"(a|aa)+b\"");
        String value = "a".repeat(10_000);

        assertThat(m.matches(Map.of("path", value))).isFalse();
        assertThat(m.matches(Map.of("path", value + "b"))).isTrue();
    }

    @Test
    void regexesAreAnchoredAndUseRe2Syntax() {
        assertThat(LabelMatcher.parse("host=~\"web-[0-9]+\"").matches(Map.of("host", "web-12"))).isTrue();
        assertThat(LabelMatcher.parse("host=~\"web\"").matches(Map.of("host", "web-12"))).isFalse();
        assertThatThrownBy(() -> LabelMatcher.parse("host=~\"(a)\\1\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has an invalid regex");
    }

    @Test
    void equalMatchersAreEqualAndSurviveJavaSerialization() throws Exception {
        LabelMatcher m = LabelMatcher.parse("host=~\"web-.*\"");
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        LabelMatcher back;
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (LabelMatcher) in.readObject();
        }
        assertThat(back).isEqualTo(m).hasSameHashCodeAs(m);
        assertThat(back.matches(Map.of("host", "web-1"))).isTrue();
    }

    @Test
    void quotedValuesReadEscapesAsPromQlAndAlertmanagerDoAndPrintThemBack() {
        LabelMatcher quote = LabelMatcher.parse("msg=\"say \\\"hi\\\"\"");
        assertThat(quote.value()).isEqualTo("say \"hi\"");
        assertThat(LabelMatcher.parse(quote.text())).isEqualTo(quote);

        LabelMatcher backslash = LabelMatcher.parse("path=\"C:\\\\temp\"");
        assertThat(backslash.value()).isEqualTo("C:\\temp");
        assertThat(LabelMatcher.parse(backslash.text())).isEqualTo(backslash);

        LabelMatcher regex = LabelMatcher.parse("host=~\"a\\.b\"");   // a regex escape stays as written
        assertThat(regex.matches(Map.of("host", "a.b"))).isTrue();
        assertThat(regex.matches(Map.of("host", "axb"))).isFalse();
        assertThat(LabelMatcher.parse(regex.text())).isEqualTo(regex);
    }

    @Test
    void durationsReadEveryPrometheusUnitIncludingYears() {
        assertThat(Durations.parse("1y")).isEqualTo(java.time.Duration.ofDays(365));
        assertThat(Durations.parse("1h30m500ms")).isEqualTo(java.time.Duration.ofMillis(5_400_500));
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("'5 minutes' is not a duration");
    }
}

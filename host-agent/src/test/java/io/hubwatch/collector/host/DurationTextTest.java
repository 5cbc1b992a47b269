package io.hubwatch.collector.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationTextTest {

    @Test
    void readsANumberWithAUnit() {
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationText.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationText.parse(" 2h ")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void readsIso8601() {
        assertThat(DurationText.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void rejectsTextThatIsNotADurationNamingIt() {
        assertThatThrownBy(() -> DurationText.parse("10x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'10x' is not a duration: use a number with ms, s, m or h, e.g. 10s");
        assertThatThrownBy(() -> DurationText.parse("ten seconds")).hasMessageContaining("'ten seconds'");
        assertThatThrownBy(() -> DurationText.parse("")).hasMessageContaining("missing");
    }

    @Test
    void formatsInTheLargestExactUnit() {
        assertThat(DurationText.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(DurationText.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationText.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofMillis(999))).isEqualTo("999ms");
    }
}

package io.hubwatch.events;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one grammar of every duration a user types (rules, silences, notifier, proxy, load suite, every flag). */
class DurationsTest {

    @Test
    void readsPrometheusDurationsOfOneOrMoreParts() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 10s ")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("1y")).isEqualTo(Duration.ofDays(365));
        assertThat(Durations.parse("0s")).isZero();
    }

    @Test
    void refusesOtherFormsNamingTheText() {
        for (String text : new String[]{"10", "10x", "PT10S", "1.5s", "-5m", "10 s", "", "1h30"}) {
            assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + text + "' is not a duration (use e.g. 30s, 5m, 1h30m)");
        }
        assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesWhatIsLongerThanAHundredYearsInsteadOfOverflowing() {
        assertThat(Durations.parse("100y")).isEqualTo(Durations.MAX);
        assertThatThrownBy(() -> Durations.parse("101y")).hasMessage("'101y' is longer than the limit of 100y");
        assertThatThrownBy(() -> Durations.parse("9223372036854775808ms")).hasMessageContaining("longer than the limit");
        assertThatThrownBy(() -> Durations.parse("99999y99999y")).hasMessageContaining("longer than the limit");
    }

    @Test
    void formatsTheShortestTextThatReadsBackTheSame() {
        assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        for (Duration d : new Duration[]{Duration.ofMillis(1), Duration.ofDays(3).plusMillis(7), Duration.ofHours(25)}) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }
}

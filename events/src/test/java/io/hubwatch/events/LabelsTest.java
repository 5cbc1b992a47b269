package io.hubwatch.events;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelsTest {
    @Test
    void aSeriesKeyGivesBackTheSeriesLabels() {
        for (MetricEvent e : new MetricEvent[] {
                MetricEvent.of(1, "web-1", "cpu_usage", 1),
                new MetricEvent(1, "web-1", "disk_usage", 1, Map.of("mount", "/", "a", "x")),
                new MetricEvent(1, "we\"b,1}", "m:x", 1, Map.of("z", "a\\\"b=\"c", "q", "", "host", "h{=}\\")),
                new MetricEvent(1, "ünïcødé", "m", 1, Map.of("k", "\\\\\\", "k2", "\"\"", "k3", ",}{"))}) {
            assertThat(Labels.ofSeriesKey(e.seriesKey())).as(e.seriesKey()).isEqualTo(e.seriesLabels());
            assertThat(e.metric() + Labels.render(Labels.ofSeriesKey(e.seriesKey()))).isEqualTo(e.seriesKey());
        }
    }

    @Test
    void aKeyWithoutLabelsHasNone() {
        assertThat(Labels.ofSeriesKey("cpu_usage")).isEmpty();
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> Labels.ofSeriesKey("m{a=1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Labels.ofSeriesKey("m{a=\"1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Labels.ofSeriesKey("m{a=\"1\"}x")).isInstanceOf(IllegalArgumentException.class);
    }
}

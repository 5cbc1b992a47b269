package io.hubwatch.rules.anomaly;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnomalySettingsTest {

    @Test
    void fieldsLeftOutTakeTheirDefaults() {
        AnomalySettings s = AnomalySettings.fromMap(Map.of("metric", "cpu_usage"), "r.yaml anomaly[0]");
        assertThat(s).isEqualTo(new AnomalySettings("cpu_usage", true, 0.5, 256, 64));
    }

    @Test
    void everyFieldIsRead() {
        AnomalySettings s = AnomalySettings.fromMap(Map.of("metric", "gpu_*", "enabled", false, "sensitivity", 0.8,
                "min_history", 300, "retrain_interval", 32), "r.yaml anomaly[1]");
        assertThat(s).isEqualTo(new AnomalySettings("gpu_*", false, 0.8, 300, 32));
    }

    @Test
    void aGlobMatchesMetricNames() {
        AnomalySettings s = AnomalySettings.defaults("gpu_*_ratio");
        assertThat(s.matches("gpu_mem_ratio")).isTrue();
        assertThat(s.matches("gpu_mem")).isFalse();
        assertThat(AnomalySettings.defaults("cpu_usag?").matches("cpu_usage")).isTrue();
    }

    @Test
    void aSensitivityOutsideTheOpenUnitIntervalIsRefusedNamingWhereAndField() {
        assertThatThrownBy(() -> AnomalySettings.fromMap(Map.of("metric", "x", "sensitivity", 1.5), "r.yaml anomaly[3]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("r.yaml anomaly[3]").hasMessageContaining("'sensitivity'").hasMessageContaining("1.5");
    }

    @Test
    void aMissingMetricIsRefused() {
        assertThatThrownBy(() -> AnomalySettings.fromMap(Map.of("enabled", true), "r.yaml anomaly[0]"))
                .hasMessageContaining("r.yaml anomaly[0]").hasMessageContaining("'metric' is required");
    }

    @Test
    void aNonIntegerMinHistoryIsRefused() {
        assertThatThrownBy(() -> AnomalySettings.fromMap(Map.of("metric", "x", "min_history", "lots"), "w"))
                .hasMessageContaining("'min_history'").hasMessageContaining("'lots'");
    }

    @Test
    void anUnknownFieldIsRefusedNamingIt() {
        assertThatThrownBy(() -> AnomalySettings.fromMap(Map.of("metric", "x", "sensitivty", 0.3), "w"))
                .hasMessageContaining("unknown field 'sensitivty'");
    }

    @Test
    void aNonBooleanEnabledIsRefused() {
        assertThatThrownBy(() -> AnomalySettings.fromMap(Map.of("metric", "x", "enabled", "yes"), "w"))
                .hasMessageContaining("'enabled' must be true or false");
    }
}

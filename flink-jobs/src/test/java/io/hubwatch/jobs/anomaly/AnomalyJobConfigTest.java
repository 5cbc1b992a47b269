package io.hubwatch.jobs.anomaly;

import io.hubwatch.rules.anomaly.AnomalySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnomalyJobConfigTest {

    @Test
    void optionsLeftOutTakeTheirDefaults() {
        AnomalyJobConfig c = AnomalyJobConfig.fromArgs(new String[]{"--kafka", "k:9092"});
        assertThat(c.bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.primeFrom()).isNull();
        assertThat(c.silence()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.loadSettings()).isEmpty();
    }

    @Test
    void aBadDurationNamesTheOption() {
        assertThatThrownBy(() -> AnomalyJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--prime-from", "a week"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--prime-from: ");
    }

    @Test
    void theAnomalySectionOfASettingsFileIsRead(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("rules.yaml");
        Files.writeString(f, """
                rules: []
                anomaly:
                  - metric: "gpu_*"
                    sensitivity: 0.7
                  - metric: cpu_usage
                    enabled: false
                """);
        AnomalyJobConfig c = AnomalyJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--anomaly-settings", f.toString()});
        assertThat(c.loadSettings()).containsExactly(new AnomalySettings("gpu_*", true, 0.7, 256, 64),
                new AnomalySettings("cpu_usage", false, 0.5, 256, 64));
    }

    @Test
    void aBadEntryInTheSettingsFileNamesFileEntryAndField(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("rules.yaml");
        Files.writeString(f, "anomaly:\n  - metric: x\n  - metric: y\n    retrain_interval: 0\n");
        AnomalyJobConfig c = AnomalyJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--anomaly-settings", f.toString()});
        assertThatThrownBy(c::loadSettings).hasMessageContaining("rules.yaml anomaly[1]").hasMessageContaining("'retrain_interval'");
    }
}

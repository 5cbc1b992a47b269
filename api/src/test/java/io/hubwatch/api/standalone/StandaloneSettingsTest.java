package io.hubwatch.api.standalone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StandaloneSettingsTest {

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("api.properties"), """
                jdbc.url=jdbc:postgresql://file-db:5432/hubwatch
                jdbc.user=from-file
                kafka=file-kafka:9092
                port=9000
                token=file-token
                """);
        Path password = Files.writeString(tmp.resolve("pg"), "from-password-file\n");
        StandaloneSettings s = StandaloneSettings.resolve(
                Map.of("config", file.toString(), "jdbc-user", "from-flag", "jdbc-password-file", password.toString()),
                Map.of("HUBWATCH_JDBC_USER", "from-env", "HUBWATCH_KAFKA", "env-kafka:9092", "HUBWATCH_JDBC_PASSWORD", "env-pw"));

        assertThat(s.jdbcUser()).isEqualTo("from-flag");
        assertThat(s.jdbcPassword()).isEqualTo("from-password-file");
        assertThat(s.kafka()).isEqualTo("env-kafka:9092");
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://file-db:5432/hubwatch");
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.sources()).containsEntry("jdbc-user", "--jdbc-user").containsEntry("kafka", "$HUBWATCH_KAFKA")
                .containsEntry("host", "default");
        assertThat(s.toString()).doesNotContain("from-password-file").doesNotContain("file-token");
    }

    @Test
    void missingOrBadSettingsAreNamedWithWhereTheyCameFrom(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> StandaloneSettings.resolve(Map.of(), Map.of("HUBWATCH_API_TOKEN", "t")))
                .hasMessage("--kafka is required (or $HUBWATCH_KAFKA, or 'kafka' in --config)");
        assertThatThrownBy(() -> StandaloneSettings.resolve(Map.of("kafka", "k:9092"), Map.of()))
                .hasMessageStartingWith("--token-file is required");
        assertThatThrownBy(() -> StandaloneSettings.resolve(Map.of("kafka", "k:9092", "port", "http"),
                Map.of("HUBWATCH_API_TOKEN", "t"))).hasMessage("port must be 0-65535, was 'http' (from --port)");
        Path file = Files.writeString(tmp.resolve("api.properties"), "jdbc.pasword=x\n");
        assertThatThrownBy(() -> StandaloneSettings.resolve(Map.of("config", file.toString()), Map.of()))
                .hasMessageContaining("unknown setting 'jdbc.pasword'");
    }
}

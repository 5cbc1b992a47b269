package io.hubwatch.collector.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostAgentMainTest {

    @Test
    void optionsAreParsedWithTheAgentCommandsDefaults() {
        HostAgentConfig c = HostAgentMain.parse(new String[]{"--kafka", "k:9092", "--interval", "1s", "--source", "node-1"});
        assertThat(c.bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.source()).isEqualTo("node-1");
        assertThat(c.httpHost()).isEqualTo(HostAgentConfig.DEFAULT_HTTP_HOST);
    }

    @Test
    void unknownMissingAndBadOptionsAreRefusedByName() {
        assertThatThrownBy(() -> HostAgentMain.parse(new String[]{})).hasMessageStartingWith("--kafka is required");
        assertThatThrownBy(() -> HostAgentMain.parse(new String[]{"--kafka", "k:1", "--intervall", "1s"}))
                .hasMessageStartingWith("unknown option --intervall");
        assertThatThrownBy(() -> HostAgentMain.parse(new String[]{"--kafka", "k:1", "--http-port", "x"}))
                .hasMessageStartingWith("--http-port must be a number");
        assertThatThrownBy(() -> HostAgentMain.parse(new String[]{"--kafka", "k:1", "--interval", "100ms"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theIntervalIsReadInTheGrammarOfEveryOtherDuration() {
        assertThat(HostAgentMain.parse(new String[]{"--kafka", "k:1", "--interval", "1m30s"}).interval())
                .isEqualTo(Duration.ofSeconds(90));
        // one grammar for every flag and file (Prometheus'): ISO-8601, which this flag alone once read, is refused
        assertThatThrownBy(() -> HostAgentMain.parse(new String[]{"--kafka", "k:1", "--interval", "PT10S"}))
                .hasMessage("--interval: 'PT10S' is not a duration (use e.g. 30s, 5m, 1h30m)");
    }
}

package io.hubwatch.collector.host;

import io.hubwatch.events.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostAgentConfigTest {

    private static final HostAgentConfig DEFAULTS = HostAgentConfig.of("localhost:9092");

    @Test
    void defaultsAreTenSecondsThisHostLoopbackAnyPortTenThousandEventsAndTheMetricsTopic() {
        assertThat(DEFAULTS.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(DEFAULTS.source()).isNotBlank();
        assertThat(DEFAULTS.httpHost()).isEqualTo("127.0.0.1");
        assertThat(DEFAULTS.httpPort()).isZero();
        assertThat(DEFAULTS.bufferCapacity()).isEqualTo(10_000);
        assertThat(DEFAULTS.topic()).isEqualTo(Topics.METRICS);
    }

    @Test
    void nullsMeanDefaults() {
        HostAgentConfig config = new HostAgentConfig("k:9092", null, null, null, 0, 10, null);

        assertThat(config.interval()).isEqualTo(HostAgentConfig.DEFAULT_INTERVAL);
        assertThat(config.source()).isEqualTo(DEFAULTS.source());
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.topic()).isEqualTo(Topics.METRICS);
    }

    @Test
    void oneSecondIsTheShortestInterval() {
        assertThat(DEFAULTS.withInterval(Duration.ofSeconds(1)).interval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anIntervalBelowOneSecondIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> DEFAULTS.withInterval(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval must be at least 1s, was 500ms");
    }

    @Test
    void missingBootstrapServersAreRefused() {
        assertThatThrownBy(() -> HostAgentConfig.of(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Kafka bootstrap servers are missing");
    }

    @Test
    void aBootstrapServerWithoutAPortIsRefusedNamingIt() {
        assertThatThrownBy(() -> HostAgentConfig.of("localhost:9092,broker2"))
                .hasMessageContaining("Kafka bootstrap server 'broker2' is not host:port");
        assertThatThrownBy(() -> HostAgentConfig.of("localhost:99999"))
                .hasMessageContaining("'localhost:99999' is not host:port");
    }

    @Test
    void anHttpPortOutOfRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> DEFAULTS.withHttpPort(70_000))
                .hasMessageContaining("http port must be between 0 (any free port) and 65535, was 70000");
    }

    @Test
    void aBufferOfNoEventsIsRefused() {
        assertThatThrownBy(() -> DEFAULTS.withBufferCapacity(0))
                .hasMessageContaining("buffer capacity must be at least 1 event, was 0");
    }

    @Test
    void anIllegalTopicNameIsRefusedNamingIt() {
        assertThatThrownBy(() -> DEFAULTS.withTopic("my metrics"))
                .hasMessageContaining("topic 'my metrics' is not a valid Kafka topic name");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> new HostAgentConfig("", Duration.ZERO, "h", null, -1, 0, "t"))
                .hasMessageContaining("bootstrap servers are missing")
                .hasMessageContaining("interval must be at least 1s, was 0s")
                .hasMessageContaining("was -1")
                .hasMessageContaining("buffer capacity");
    }
}

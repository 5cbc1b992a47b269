package io.hubwatch.collector.host;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kafka never there at all: no metadata, so every send would wait max.block.ms. Sampling must not notice. */
class HostAgentWithoutKafkaITCase {

    private static String addressWithNoBroker() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return "127.0.0.1:" + socket.getLocalPort(); // closed again: nothing listens there
        }
    }

    @Test
    void withKafkaAbsentTheAgentSamplesOnScheduleReportsDegradedAndCountsEveryLoss() throws IOException {
        HostAgent agent = HostAgent.start(HostAgentConfig.of(addressWithNoBroker())
                .withInterval(Duration.ofSeconds(1)).withBufferCapacity(5));
        long started = System.nanoTime();
        JsonNode health;
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.stats().samples() >= 4);
            health = AgentHttp.health(agent);
        } finally {
            agent.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        AgentStats end = agent.stats();

        assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(health.path("kafka").path("reachable").asBoolean()).isFalse();
        assertThat(health.path("lastError").asText()).isNotBlank();
        // 4 readings at 1 s plus a bounded close: sampling was never held up by Kafka
        assertThat(seconds).isLessThan(4 + HostAgent.CLOSE_TIMEOUT.toSeconds() + 3);
        assertThat(end.failedSamples()).isZero();
        assertThat(end.published()).isZero();
        assertThat(end.dropped()).isEqualTo(end.sampled()).isPositive();
        assertThat(end.pending()).isZero();
    }

    @Test
    void aBrokerNameThatDoesNotResolveYetIsRetriedNotFatal() {
        HostAgent agent = HostAgent.start(HostAgentConfig.of("no-such-broker.invalid:9092")
                .withInterval(Duration.ofSeconds(1)).withBufferCapacity(5));
        AgentStats during;
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.stats().samples() >= 2);
            during = agent.stats();
        } finally {
            agent.close();
        }
        AgentStats end = agent.stats();

        assertThat(during.kafkaReachable()).isFalse();
        assertThat(during.lastError()).contains("cannot create the Kafka producer for no-such-broker.invalid:9092");
        assertThat(end.dropped()).isEqualTo(end.sampled()).isPositive();
    }
}

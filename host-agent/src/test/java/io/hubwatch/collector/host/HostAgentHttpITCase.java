package io.hubwatch.collector.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class HostAgentHttpITCase {

    private static HostAgentConfig config(EmbeddedKafka kafka) {
        return HostAgentConfig.of(kafka.bootstrapServers()).withInterval(Duration.ofSeconds(1))
                .withTopic("agent-http-" + System.nanoTime());
    }

    @Test
    void healthSaysUpWithKafkaReachableAndTheCounts(EmbeddedKafka kafka) {
        try (HostAgent agent = HostAgent.start(config(kafka))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.stats().published() > 0);

            HttpResponse<String> response = AgentHttp.get(agent, "/health");
            JsonNode health = AgentHttp.health(agent);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(health.path("status").asText()).isEqualTo("UP");
            assertThat(health.path("kafka").path("reachable").asBoolean()).isTrue();
            assertThat(health.path("source").asText()).isEqualTo(agent.config().source());
            assertThat(health.path("interval").asText()).isEqualTo("1s");
            assertThat(health.path("events").path("published").asLong()).isPositive();
            assertThat(health.path("events").path("dropped").asLong()).isZero();
            assertThat(health.path("events").has("buffered")).isTrue();
        }
    }

    @Test
    void metricsIsPrometheusTextWithTheAgentsOwnCounters(EmbeddedKafka kafka) {
        try (HostAgent agent = HostAgent.start(config(kafka))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.stats().published() > 0);

            HttpResponse<String> response = AgentHttp.get(agent, "/metrics");
            String scrape = response.body();

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
            assertThat(AgentHttp.prometheusSum(scrape, "hubwatch_agent_events_published_total")).isPositive();
            assertThat(AgentHttp.prometheusSum(scrape, "hubwatch_agent_events_dropped_total")).isZero();
            assertThat(AgentHttp.prometheusSum(scrape, "hubwatch_agent_sample_duration_seconds_count")).isPositive();
            assertThat(AgentHttp.prometheusSum(scrape, "hubwatch_agent_kafka_reachable")).isEqualTo(1.0);
            assertThat(scrape).contains("hubwatch_agent_buffer_events ", "hubwatch_agent_in_flight_events ",
                    "hubwatch_agent_events_sampled_total ", "hubwatch_agent_buffer_capacity_events 10000");
        }
    }

    @Test
    void anUnknownPathIsNotFoundWithAHint(EmbeddedKafka kafka) {
        try (HostAgent agent = HostAgent.start(config(kafka))) {
            HttpResponse<String> response = AgentHttp.get(agent, "/nope");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).contains("/health", "/metrics");
        }
    }

    @Test
    void theEndpointIsOnLoopbackAtTheActuallyBoundPort(EmbeddedKafka kafka) {
        try (HostAgent agent = HostAgent.start(config(kafka))) {
            assertThat(agent.httpAddress().getHost()).isEqualTo("127.0.0.1");
            assertThat(agent.httpAddress().getPort()).isPositive();
        }
    }

    @Test
    void aPortAlreadyInUseIsReportedWithTheAddress(EmbeddedKafka kafka) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> HostAgent.start(config(kafka).withHttpPort(taken.getLocalPort())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not serve health and metrics on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}

package io.hubwatch.collector.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.collector.host.PublishedEvents.Keyed;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class HostAgentBrokerOutageITCase {

    private static final int CAPACITY = 10;

    @Test
    void samplingGoesOnThroughABrokerOutageAndEveryLostEventIsCounted(EmbeddedKafka kafka) {
        String topic = "agent-outage-" + System.nanoTime();
        HostAgent agent = HostAgent.start(HostAgentConfig.of(kafka.bootstrapServers())
                .withInterval(Duration.ofSeconds(1)).withTopic(topic).withBufferCapacity(CAPACITY));
        AgentStats during;
        JsonNode healthDuring;
        long restartedAt;
        String scrape;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.stats().published() > 0);

            kafka.stopBroker();
            try {
                long samplesAtStop = agent.stats().samples();
                // several intervals down: more events than the buffer and the producer's share can hold
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        agent.stats().samples() >= samplesAtStop + 6 && agent.stats().dropped() > 0
                                && !agent.stats().kafkaReachable());
                during = agent.stats();
                healthDuring = AgentHttp.health(agent);
            } finally {
                kafka.startBroker();
            }
            restartedAt = System.currentTimeMillis();

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    agent.stats().published() > during.published() + 2L * CAPACITY && agent.stats().kafkaReachable());
            // what /metrics says about the loss is exactly what the agent counted
            await().atMost(Duration.ofSeconds(10)).until(() -> AgentHttp.prometheusSum(
                    AgentHttp.get(agent, "/metrics").body(), "hubwatch_agent_events_dropped_total")
                    == agent.stats().dropped());
            scrape = AgentHttp.get(agent, "/metrics").body();
        } finally {
            agent.close();
        }
        AgentStats end = agent.stats();

        assertThat(during.failedSamples()).isZero();
        assertThat(during.buffered()).isLessThanOrEqualTo(CAPACITY);
        assertThat(during.inFlight()).isLessThanOrEqualTo(CAPACITY);
        assertThat(during.lastError()).contains("Kafka");
        assertThat(healthDuring.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(healthDuring.path("kafka").path("reachable").asBoolean()).isFalse();
        assertThat(healthDuring.path("events").path("dropped").asLong()).isPositive();

        assertThat(AgentHttp.prometheusSum(scrape, "hubwatch_agent_events_dropped_total"))
                .isGreaterThanOrEqualTo(during.dropped());
        assertThat(scrape).contains("hubwatch_agent_events_dropped_total{reason=\"buffer_full\"}");

        // nothing hidden: every sampled event was either published or counted as dropped
        assertThat(end.failedSamples()).isZero();
        assertThat(end.pending()).isZero();
        assertThat(end.dropped()).isGreaterThanOrEqualTo(during.dropped()).isPositive();
        assertThat(end.published() + end.dropped()).isEqualTo(end.sampled());

        // and what counts as published is exactly what is on the topic, including readings taken after the restart
        List<Keyed> onTopic = PublishedEvents.readUntil(kafka, topic, r -> r.size() >= end.published(), Duration.ofSeconds(30));
        assertThat(onTopic).hasSize((int) end.published());
        assertThat(onTopic).anyMatch(k -> k.event().timestamp() > restartedAt);
    }
}

package io.hubwatch.collector.load;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestGateway;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.EventJson;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.testing.TopicReader;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator against a real gateway and broker: what it says it sent is what Kafka holds. */
@ExtendWith(KafkaBrokerExtension.class)
class ApiCallLoadITCase {
    private static final String KEY = "load-key-0123456789abcdef";

    @Test
    void theWorkloadArrivesWithTheAskedErrorShareOverRealisticEndpoints(EmbeddedKafka kafka) throws Exception {
        String topic = "api-calls-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopics(List.of(new NewTopic(topic, 2, (short) 1)));
        IngestConfig config = IngestConfig.of(kafka.bootstrapServers(), Map.of(KEY, "load"))
                .withTopics(topic, "web-vitals", "metrics", "dead-letter");
        ApiCallLoad.Result result;
        try (IngestGateway gateway = IngestGateway.start(config)) {
            result = ApiCallLoad.run(new ApiCallLoad.Spec(gateway.address(), KEY, 1_000, Duration.ofSeconds(3), 10,
                    LatencyDistribution.parse("lognormal:300:0.8"), 100, 16), null);
        }
        long accepted = result.accepted();
        List<ApiCallEvent> events = TopicReader.readUntil(kafka.bootstrapServers(), topic,
                TopicReader.Isolation.UNCOMMITTED, r -> EventJson.read(r.value(), ApiCallEvent.class),
                read -> read.size() >= accepted, Duration.ofSeconds(20));

        assertThat(result.failed()).isZero();
        // what a loaded machine could generate varies (1,359 of 3,000 on a two-core machine at load 20); what must hold
        // is that every event the generator counts as accepted is on the topic
        assertThat(result.accepted()).isGreaterThan(1_000).isEqualTo(result.generated() - result.behind());
        assertThat(events).hasSize((int) result.accepted());
        double errorShare = events.stream().filter(ApiCallEvent::isError).count() / (double) events.size();
        assertThat(errorShare).isBetween(0.07, 0.13);
        assertThat(events).extracting(ApiCallEvent::endpoint).contains("/v1/chat/completions", "/v1/embeddings",
                "/v1/images/generations", "/v1/models");
        assertThat(events).allSatisfy(e -> assertThat(e.problems()).isEmpty());
    }
}

package io.hubwatch.collector.ingest.internal;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IngestPublisherTest {

    @Test
    void aSingleRecordPostIsSentAtOnceNotAfterKafkasDefaultLinger() {
        Map<String, Object> config = IngestPublisher.producerConfig("127.0.0.1:9092");
        // Kafka 4 defaults linger.ms to 5: every pushed sample (one record per POST) waited 5 ms for a batch that
        // never filled, on the way to every alert. Measured in benchmarks/results/alert-latency.md (hop "sample ->
        // metric readable"); the batch throughput is unchanged within the noise (benchmarks/results/ingest-gateway.md).
        assertThat(config.get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(0);
    }

    @Test
    void twoHundredAndTwoStillMeansStoredByEveryReplica() {
        Map<String, Object> config = IngestPublisher.producerConfig("127.0.0.1:9092");
        assertThat(config.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(true);
    }
}

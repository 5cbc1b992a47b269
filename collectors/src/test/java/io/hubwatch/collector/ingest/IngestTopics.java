package io.hubwatch.collector.ingest;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.TopicReader;
import org.apache.kafka.clients.admin.NewTopic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** A test's own gateway topics on the shared broker, and a reader for them. */
final class IngestTopics {
    final String apiCalls;
    final String webVitals;
    final String metrics;
    final String deadLetter;
    private final EmbeddedKafka kafka;

    IngestTopics(EmbeddedKafka kafka) {
        this.kafka = kafka;
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        apiCalls = "api-calls-" + suffix;
        webVitals = "web-vitals-" + suffix;
        metrics = "metrics-" + suffix;
        deadLetter = "dead-letter-" + suffix;
        kafka.createTopics(List.of(new NewTopic(apiCalls, 2, (short) 1), new NewTopic(webVitals, 1, (short) 1),
                new NewTopic(metrics, 1, (short) 1), new NewTopic(deadLetter, 1, (short) 1)));
    }

    IngestConfig config(Map<String, String> keys) {
        return IngestConfig.of(kafka.bootstrapServers(), keys).withTopics(apiCalls, webVitals, metrics, deadLetter);
    }

    /** Values read from the start of {@code topic} until {@code done} accepts them or the timeout passes. */
    List<String> readUntil(String topic, Predicate<List<String>> done, Duration timeout) {
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.UNCOMMITTED, TopicReader::text,
                done, timeout);
    }
}

package io.hubwatch.collector.host;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.testing.TopicReader;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The agent's events on a topic, read from the start as the downstream jobs would (committed only), each validated. */
final class PublishedEvents {
    /** One record: its key and the event parsed (and validated) from its value. */
    record Keyed(String key, MetricEvent event) {}

    private PublishedEvents() {}

    static List<Keyed> readUntil(EmbeddedKafka kafka, String topic, Predicate<List<Keyed>> done, Duration timeout) {
        // an event that does not parse fails the read, naming the record's position and the parser's reason
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.COMMITTED,
                r -> new Keyed(r.key(), EventJson.parseMetric(r.value())), done, timeout);
    }
}

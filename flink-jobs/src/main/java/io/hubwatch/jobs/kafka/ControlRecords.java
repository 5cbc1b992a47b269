package io.hubwatch.jobs.kafka;

import io.hubwatch.jobs.KafkaSettings;
import io.hubwatch.jobs.alerting.RuleChange;
import io.hubwatch.jobs.alerting.SilenceChange;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Sources for the compacted control topics ({@code alert-rules}, {@code alert-silences}): key = id, value = JSON or a
 * tombstone. They are broadcast beside the metrics, so they must never hold back the metrics' watermark: their
 * watermark is always the maximum.
 */
public final class ControlRecords {
    private ControlRecords() {}

    public static KafkaSource<RuleChange> rules(KafkaSettings kafka, String topic, String groupId) {
        // a job without a checkpoint reads the whole compacted topic: it is the current state
        return KafkaIO.source(kafka.bootstrapServers(), kafka.properties(), java.util.List.of(topic), groupId + "-rules",
                OffsetsInitializer.earliest(), new KafkaRecordDeserializationSchema<RuleChange>() {
                    @Override
                    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RuleChange> out) {
                        if (r.key() != null) {
                            out.collect(new RuleChange(text(r.key()), r.value() == null ? null : text(r.value())));
                        }
                    }

                    @Override
                    public TypeInformation<RuleChange> getProducedType() {
                        return TypeInformation.of(RuleChange.class);
                    }
                });
    }

    public static KafkaSource<SilenceChange> silences(KafkaSettings kafka, String topic, String groupId) {
        // a job without a checkpoint reads the whole compacted topic: it is the current state
        return KafkaIO.source(kafka.bootstrapServers(), kafka.properties(), java.util.List.of(topic), groupId + "-silences",
                OffsetsInitializer.earliest(), new KafkaRecordDeserializationSchema<SilenceChange>() {
                    @Override
                    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<SilenceChange> out) {
                        if (r.key() != null) {
                            out.collect(new SilenceChange(text(r.key()), r.value() == null ? null : text(r.value())));
                        }
                    }

                    @Override
                    public TypeInformation<SilenceChange> getProducedType() {
                        return TypeInformation.of(SilenceChange.class);
                    }
                });
    }

    /**
     * The rules the {@code alert-rules} topic holds now (read to its end at the time of the call, tombstones applied),
     * in arrival order. The job starts with these so that its first samples are not evaluated before the broadcast
     * side has caught up; the topic source then brings every later change.
     *
     * @throws org.apache.kafka.common.KafkaException when the broker cannot be read within the timeout
     */
    public static java.util.List<RuleChange> currentRules(KafkaSettings kafka, String topic, java.time.Duration timeout) {
        java.util.Map<String, RuleChange> latest = new java.util.LinkedHashMap<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(clientConfig(kafka,
                             "enable.auto.commit", "false", "default.api.timeout.ms", (int) timeout.toMillis()),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            java.util.List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            java.util.Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("reading " + topic + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(200))) {
                    if (r.key() != null) {
                        String id = text(r.key());
                        latest.remove(id);
                        latest.put(id, new RuleChange(id, r.value() == null ? null : text(r.value())));
                    }
                }
            }
        }
        return new java.util.ArrayList<>(latest.values());
    }

    /**
     * A compacted topic of one partition, as the control topics are, for {@link #ensureTopics}: the alert job creates
     * them if they are missing, since a source on a topic that does not exist gets no split, emits no watermark, and
     * so would hold the alert pipeline's event time back forever.
     */
    public static org.apache.kafka.clients.admin.NewTopic compacted(String topic) {
        return new org.apache.kafka.clients.admin.NewTopic(topic, java.util.Optional.of(1), java.util.Optional.empty())
                .configs(java.util.Map.of("cleanup.policy", "compact"));
    }

    /**
     * Creates those of these topics that are missing, with one admin client. A source on a missing topic gets no
     * split and emits no watermark.
     */
    public static void ensureTopics(KafkaSettings kafka, java.time.Duration timeout,
                                    java.util.List<org.apache.kafka.clients.admin.NewTopic> topics) {
        String bootstrap = kafka.bootstrapServers();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                clientConfig(kafka, "default.api.timeout.ms", (int) timeout.toMillis()))) {
            java.util.Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            java.util.List<org.apache.kafka.clients.admin.NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).values().values().forEach(f -> {
                    try {
                        f.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                            throw new org.apache.kafka.common.KafkaException("cannot create " + missing + ": " + e.getCause().getMessage(), e);
                        }
                    } catch (Exception e) {
                        throw new org.apache.kafka.common.KafkaException("cannot create " + missing + ": " + e.getMessage(), e);
                    }
                });
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw e;
        } catch (Exception e) {
            throw new org.apache.kafka.common.KafkaException("cannot list the topics at " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    /** The job's brokers and client properties (TLS, SASL: {@code --kafka-property}) plus this client's own settings. */
    private static java.util.Map<String, Object> clientConfig(KafkaSettings kafka, Object... keysAndValues) {
        java.util.Map<String, Object> config = new java.util.HashMap<>();
        kafka.properties().forEach((k, v) -> config.put((String) k, v));
        config.put("bootstrap.servers", kafka.bootstrapServers());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    /** A watermark that never holds anything back. */
    public static <T> WatermarkStrategy<T> neverHoldsBack() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

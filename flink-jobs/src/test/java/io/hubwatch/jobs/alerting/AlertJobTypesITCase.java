package io.hubwatch.jobs.alerting;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.kafka.Ingested;
import io.hubwatch.jobs.kafka.MetricRecordDeserializer;
import io.hubwatch.jobs.kafka.SplitRefused;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No record or state on the alert path goes through Kryo: the whole pipeline, from parsed Kafka records to incidents,
 * runs with generic types disabled (Flink then refuses to build a Kryo serializer, for records and for state alike).
 * Kryo was not found on this path when profiling benchmarks/alert-throughput.sh; this keeps it so.
 */
class AlertJobTypesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();

    @Test
    void theAlertPathRunsWithGenericTypesDisabled() throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        // Flink 2's form of ExecutionConfig.disableGenericTypes()
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        env.setParallelism(2);

        // what the Kafka source hands on: parsed by the job's own deserializer, then split
        MetricRecordDeserializer parse = new MetricRecordDeserializer("test/parse", Duration.ofHours(1));
        List<Ingested> ingested = new ArrayList<>();
        Collector<Ingested> into = new Collector<>() {
            @Override
            public void collect(Ingested record) {
                ingested.add(record);
            }

            @Override
            public void close() {}
        };
        for (long t = 0; t <= 400_000; t += 10_000) {
            for (String host : List.of("web-1", "web-2")) {
                MetricEvent e = new MetricEvent(T0 + t, host, "cpu_usage", t < 350_000 ? 99 : 10, Map.of("core", "all"));
                parse.deserialize(new ConsumerRecord<>("metrics", 0, t, e.seriesKey().getBytes(), EventJson.toBytes(e)), into);
            }
        }
        parse.deserialize(new ConsumerRecord<>("metrics", 0, 9, null, "not json".getBytes()), into);

        var metrics = env.fromData(parse.getProducedType(), ingested.toArray(Ingested[]::new))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Ingested>forMonotonousTimestamps()
                        .withTimestampAssigner((r, t) -> r.eventTime())).setParallelism(1)
                .process(new SplitRefused()).setParallelism(1); // one reader in order, as a Kafka partition
        AlertJob.Pipeline p = new AlertJob(RuleSet.defaults()).withoutAnomalyDetection().build(metrics);
        p.deadLetters().sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        metrics.getSideOutput(SplitRefused.DEAD_LETTERS).sinkTo(
                new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());

        List<Incident> out = new ArrayList<>();
        p.incidents().executeAndCollect().forEachRemaining(out::add);

        // high_cpu_usage (5m) and critical_cpu_usage (2m) fire and resolve on both hosts; the critical one inhibits
        assertThat(out).filteredOn(i -> i.status() == IncidentStatus.FIRING).hasSize(4);
        assertThat(out).filteredOn(i -> i.status() == IncidentStatus.RESOLVED).hasSize(4);
    }

    /** The check has teeth: with this setting, a type Flink can only handle with Kryo fails when its serializer is built. */
    @Test
    void withGenericTypesDisabledAKryoTypeIsRefused() {
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        var config = StreamExecutionEnvironment.getExecutionEnvironment(conf).getConfig().getSerializerConfig();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> org.apache.flink.api.common.typeinfo.TypeInformation.of(java.util.Optional.class).createSerializer(config))
                .isInstanceOf(UnsupportedOperationException.class);
        for (Class<?> onThePath : List.of(MetricEvent.class, Ingested.class, Incident.class)) {
            assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(onThePath))
                    .as(onThePath.getSimpleName()).isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
        }
        // the records of every sample's path have serializers of their own (RecordSerializerTest)
        for (Class<?> onThePath : List.of(io.hubwatch.jobs.alerting.internal.SeriesSample.class,
                io.hubwatch.jobs.alerting.internal.RuleSample.class, io.hubwatch.jobs.alerting.internal.AlertSignal.class)) {
            assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(onThePath)).as(onThePath.getSimpleName())
                    .isInstanceOf(io.hubwatch.jobs.alerting.internal.records.RecordType.class);
        }
    }
}

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
        Collector<Ingested> into = new org.apache.flink.api.common.functions.util.ListCollector<>(ingested);
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
        // the anomaly job's incidents, as the alert job reads them from their topic: one valid, one not an incident
        io.hubwatch.jobs.kafka.IncidentRecordDeserializer readIncident =
                new io.hubwatch.jobs.kafka.IncidentRecordDeserializer("test/anomaly-incidents");
        List<org.apache.flink.types.Either<Incident, io.hubwatch.events.DeadLetter>> received = new ArrayList<>();
        Collector<org.apache.flink.types.Either<Incident, io.hubwatch.events.DeadLetter>> receive =
                new org.apache.flink.api.common.functions.util.ListCollector<>(received);
        Instant startsAt = Instant.ofEpochMilli(T0 + 60_000);
        Incident anomaly = new Incident(Incident.idFor("fp-anomaly", startsAt, IncidentStatus.FIRING),
                "anomaly:latency_ms", io.hubwatch.events.IncidentKind.ANOMALY, IncidentStatus.FIRING,
                io.hubwatch.events.Severity.WARNING, "latency_ms", Map.of("alertname", "anomaly:latency_ms", "host", "db-1"),
                900.0, null, startsAt, null, "latency_ms is anomalous on db-1", Map.of(), "fp-anomaly");
        readIncident.deserialize(new ConsumerRecord<>("anomaly-incidents", 0, 0, null, EventJson.toBytes(anomaly)), receive);
        readIncident.deserialize(new ConsumerRecord<>("anomaly-incidents", 0, 1, null, "{}".getBytes()), receive);
        var anomalies = env.fromData(readIncident.getProducedType(), received.toArray(new org.apache.flink.types.Either[0]))
                .setParallelism(1)
                .process(io.hubwatch.jobs.kafka.SplitRefused.incidents()).returns(Incident.class).setParallelism(1);

        AlertJob.Pipeline p = new AlertJob(RuleSet.defaults()).build(metrics,
                env.fromData(org.apache.flink.api.common.typeinfo.TypeInformation.of(RuleChange.class), RuleChange.delete("")),
                env.fromData(org.apache.flink.api.common.typeinfo.TypeInformation.of(SilenceChange.class), SilenceChange.delete("")),
                anomalies);
        anomalies.getSideOutput(SplitRefused.DEAD_LETTERS).sinkTo(
                new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        p.deadLetters().sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        metrics.getSideOutput(SplitRefused.DEAD_LETTERS).sinkTo(
                new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());

        List<Incident> out = new ArrayList<>();
        p.incidents().executeAndCollect().forEachRemaining(out::add);

        // high_cpu_usage (5m) and critical_cpu_usage (2m) fire and resolve on both hosts; the critical one inhibits
        List<Incident> threshold = out.stream().filter(i -> i.kind() == io.hubwatch.events.IncidentKind.THRESHOLD).toList();
        assertThat(threshold).filteredOn(i -> i.status() == IncidentStatus.FIRING).hasSize(4);
        assertThat(threshold).filteredOn(i -> i.status() == IncidentStatus.RESOLVED).hasSize(4);
        // the anomaly job's incident passed through silences and inhibition
        assertThat(out).filteredOn(i -> i.kind() == io.hubwatch.events.IncidentKind.ANOMALY)
                .extracting(Incident::id).containsExactly(anomaly.id());
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

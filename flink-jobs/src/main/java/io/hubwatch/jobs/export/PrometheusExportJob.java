package io.hubwatch.jobs.export;

import io.hubwatch.jobs.RestartPolicy;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.InvalidEventException;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.export.internal.AlertSeries;
import io.hubwatch.jobs.export.internal.MetricSamples;
import io.hubwatch.jobs.kafka.Ingested;
import io.hubwatch.jobs.kafka.MetricRecordDeserializer;
import io.hubwatch.sink.prometheus.PrometheusSample;
import io.hubwatch.sink.prometheus.RemoteWriteSettings;
import io.hubwatch.sink.prometheus.RemoteWriteSink;
import io.hubwatch.jobs.kafka.IncidentRecordDeserializer;
import io.hubwatch.jobs.kafka.KafkaIO;
import org.apache.flink.types.Either;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.List;

/**
 * Everything Hubwatch computes, into Prometheus: every sample on the metrics topic (host metrics from the agents,
 * API and model statistics and web vitals fed back by the statistics job, anomaly scores) as its own series, and the
 * state of every alert as {@code ALERTS}, through the {@link RemoteWriteSink}. Grafana's dashboards then read one
 * Prometheus for Hubwatch's own metrics and for what it measures.
 *
 * <pre>{@code
 * DataStream<PrometheusSample> samples = PrometheusExportJob.build(metrics, incidents, Duration.ofSeconds(15));
 * samples.sinkTo(new RemoteWriteSink(RemoteWriteSettings.to(uri)));
 * }</pre>
 *
 * <p>A job of its own rather than a sink in each job: the alert job's latency path stays free of a remote
 * receiver's back-pressure, and an export outage delays nothing but the export.
 */
public final class PrometheusExportJob {
    public static final String NAME = "hubwatch-prometheus-export-job";

    private PrometheusExportJob() {}

    /** Samples for Prometheus from valid metric events and incidents. */
    public static DataStream<PrometheusSample> build(DataStream<MetricEvent> metrics, DataStream<Incident> incidents,
                                                     Duration alertsResend) {
        DataStream<PrometheusSample> series = metrics.map(new MetricSamples())
                .returns(TypeInformation.of(PrometheusSample.class))
                .uid("export-metric-samples").name("Metric events as Prometheus samples");
        DataStream<PrometheusSample> alerts = incidents
                .keyBy(Incident::fingerprint, Types.STRING)
                .process(new AlertSeries(alertsResend))
                .returns(TypeInformation.of(PrometheusSample.class))
                .uid("export-alert-series").name("Alert states as ALERTS series");
        return series.union(alerts);
    }

    /** Adds the whole job, Kafka sources to the remote-write sink, to {@code env}. */
    public static void wire(StreamExecutionEnvironment env, PrometheusExportConfig config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        // a record that keeps failing the job must not restart it forever: bounded restarts, then FAILED (DOWN in /health)
        RestartPolicy.bounded().applyTo(env);
        OffsetsInitializer start = OffsetsInitializer.committedOffsets(
                config.fromEarliest() ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST);
        // refused input is dead-lettered by the alert job, which reads the same topic
        KafkaSource<Ingested> metricSource = KafkaIO.source(config.bootstrapServers(), config.kafka().properties(),
                List.of(config.metricsTopic()), config.groupId(), start,
                new MetricRecordDeserializer("export-job/parse", Duration.ofHours(1)));
        KafkaSource<Incident> incidentSource = KafkaIO.committedSource(config.bootstrapServers(),
                config.kafka().properties(), config.incidentsTopic(), config.groupId(), start, new IncidentDeserializer());
        DataStream<MetricEvent> metrics = env
                .fromSource(metricSource, WatermarkStrategy.noWatermarks(), "Metrics from Kafka")
                .uid("export-metrics-source")
                .filter(i -> i.event() != null).uid("export-valid-metrics").name("Valid metrics")
                .map(Ingested::event).returns(MetricEvent.class).uid("export-unwrap").name("Unwrap");
        DataStream<Incident> incidents = env
                .fromSource(incidentSource, WatermarkStrategy.noWatermarks(), "Incidents from Kafka")
                .uid("export-incidents-source");
        RemoteWriteSettings settings = RemoteWriteSettings.to(config.remoteWrite())
                .withFlushInterval(config.flushInterval());
        if (config.bearerToken() != null) {
            settings = settings.withHeader("Authorization", "Bearer " + config.bearerToken());
        }
        build(metrics, incidents, config.alertsResend())
                .sinkTo(new RemoteWriteSink(settings))
                .uid("export-remote-write").name("Samples to Prometheus (remote write)");
    }

    public static void main(String[] args) throws Exception {
        PrometheusExportConfig config = PrometheusExportConfig.fromArgs(args);   // throws, naming the bad option
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        wire(env, config);
        env.execute(NAME);
    }

    /** Incident JSON; a record that does not parse is skipped (the incidents topic is written by Hubwatch's jobs). */
    /** Incidents as {@link IncidentRecordDeserializer} reads them; what is none is skipped, not refused: see below. */
    static final class IncidentDeserializer implements KafkaRecordDeserializationSchema<Incident> {
        private static final long serialVersionUID = 1L;
        private final IncidentRecordDeserializer read = new IncidentRecordDeserializer("export-job/incidents");

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Incident> out) {
            read.deserialize(record, new Collector<>() {
                @Override
                public void collect(Either<Incident, io.hubwatch.events.DeadLetter> parsed) {
                    // not ours to refuse: the writer dead-letters its own bad output; exporting skips it
                    if (parsed.isLeft()) {
                        out.collect(parsed.left());
                    }
                }

                @Override
                public void close() {}
            });
        }

        @Override
        public TypeInformation<Incident> getProducedType() {
            return TypeInformation.of(Incident.class);
        }
    }
}

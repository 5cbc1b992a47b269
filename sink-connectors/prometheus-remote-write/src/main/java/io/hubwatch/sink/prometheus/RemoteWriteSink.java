package io.hubwatch.sink.prometheus;

import io.hubwatch.sink.prometheus.internal.RemoteWriteWriter;
import io.hubwatch.sink.prometheus.internal.RetryingSender;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.Objects;

/**
 * A Flink sink that writes {@link PrometheusSample}s to a Prometheus remote-write receiver (Prometheus with
 * {@code --web.enable-remote-write-receiver}, Mimir, Thanos receive, VictoriaMetrics, Grafana Cloud...).
 *
 * <pre>{@code
 * DataStream<PrometheusSample> samples = metrics.map(toSample);
 * samples.sinkTo(new RemoteWriteSink(RemoteWriteSettings.to(URI.create("http://127.0.0.1:9090/api/v1/write"))))
 *        .uid("prometheus-remote-write").name("Samples to Prometheus");
 * }</pre>
 *
 * <p>Samples are batched (at most {@link RemoteWriteSettings#maxBatchSamples()}, sent at least every
 * {@link RemoteWriteSettings#flushInterval()} and before every checkpoint completes, so the sink is at-least-once:
 * a restore re-sends what followed the last checkpoint, which Prometheus takes as duplicates of samples it has).
 * Failures are retried with backoff while the writer blocks, which back-pressures the job; refused batches (4xx)
 * and batches given up after {@link RemoteWriteSettings#maxRetryDuration()} are dropped and counted in the task's
 * {@code numRecordsSendErrors} metric and {@code remoteWriteSamplesDropped} counter, never failing the job.
 */
public final class RemoteWriteSink implements Sink<PrometheusSample> {
    private static final long serialVersionUID = 1L;

    private final RemoteWriteSettings settings;

    public RemoteWriteSink(RemoteWriteSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public RemoteWriteSettings settings() {
        return settings;
    }

    @Override
    public SinkWriter<PrometheusSample> createWriter(WriterInitContext context) {
        return new RemoteWriteWriter(settings, RetryingSender.create(settings), context.getProcessingTimeService(),
                context.metricGroup());
    }
}

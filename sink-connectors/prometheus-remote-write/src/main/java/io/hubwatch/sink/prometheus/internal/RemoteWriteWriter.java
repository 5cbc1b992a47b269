package io.hubwatch.sink.prometheus.internal;

import io.hubwatch.sink.prometheus.PrometheusSample;
import io.hubwatch.sink.prometheus.RemoteWriteSettings;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Buffers samples and sends them in batches: when the batch is full, on a processing-time timer every flush
 * interval, and on {@link #flush} (before each checkpoint and at the end of input). Timers run in the task's mailbox
 * thread, the same thread as {@link #write}, so the buffer needs no lock.
 */
public final class RemoteWriteWriter implements SinkWriter<PrometheusSample> {
    private final RemoteWriteSettings settings;
    private final RetryingSender sender;
    private final ProcessingTimeService time;
    private final Counter sent;
    private final Counter sendErrors;
    private final Counter bytesSent;
    private final Counter dropped;
    private final Counter retries;
    private List<PrometheusSample> buffer;
    private long retriesReported;
    private boolean closed;

    public RemoteWriteWriter(RemoteWriteSettings settings, RetryingSender sender, ProcessingTimeService time,
                             SinkWriterMetricGroup metrics) {
        this.settings = settings;
        this.sender = sender;
        this.time = time;
        this.sent = metrics.getNumRecordsSendCounter();
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        this.bytesSent = metrics.getNumBytesSendCounter();
        this.dropped = metrics.counter("remoteWriteSamplesDropped");
        this.retries = metrics.counter("remoteWriteRetries");
        this.buffer = new ArrayList<>(Math.min(settings.maxBatchSamples(), 4096));
        scheduleFlush();
    }

    @Override
    public void write(PrometheusSample sample, Context context) throws IOException, InterruptedException {
        buffer.add(sample);
        if (buffer.size() >= settings.maxBatchSamples()) {
            send();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        send();
    }

    @Override
    public void close() {
        closed = true;
    }

    private void scheduleFlush() {
        long next = time.getCurrentProcessingTime() + settings.flushInterval().toMillis();
        time.registerTimer(next, now -> {
            if (closed) {
                return;
            }
            try {
                send();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending to " + settings.endpoint());
            }
            scheduleFlush();
        });
    }

    private void send() throws InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<PrometheusSample> batch = buffer;
        buffer = new ArrayList<>(Math.min(settings.maxBatchSamples(), 4096));
        byte[] body = WriteRequestEncoder.encodeCompressed(batch);
        RetryingSender.Outcome outcome = sender.send(body, batch.size());
        retries.inc(sender.retries() - retriesReported);
        retriesReported = sender.retries();
        if (outcome == RetryingSender.Outcome.SENT) {
            sent.inc(batch.size());
            bytesSent.inc(body.length);
        } else {
            sendErrors.inc(batch.size());
            dropped.inc(batch.size());
        }
    }
}

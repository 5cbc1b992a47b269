package io.hubwatch.jobs.export;

import io.hubwatch.jobs.JobArgs;
import io.hubwatch.jobs.JobOption;
import io.hubwatch.jobs.KafkaSettings;
import io.hubwatch.jobs.SharedOptions;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.hubwatch.jobs.JobArgs.require;

/**
 * The export job's settings, declared once ({@link #OPTIONS}) and checked up front with the option's name in every
 * message.
 *
 * <pre>{@code
 * flink run -c io.hubwatch.jobs.export.PrometheusExportJob flink-jobs-job.jar --kafka kafka:9092 \
 *     --remote-write http://prometheus:9090/api/v1/write --remote-write-token-file /var/run/secrets/prom-token
 * }</pre>
 *
 * @param remoteWrite   the receiver's remote-write URL
 * @param bearerToken   sent as {@code Authorization: Bearer ...}; from {@code --remote-write-token-file} or
 *                      {@code HUBWATCH_REMOTE_WRITE_TOKEN}, never a plain argument; null = none
 * @param alertsResend  how often a firing alert's {@code ALERTS} sample is written again (below Prometheus' 5 min staleness)
 * @param flushInterval how long a sample may wait in the sink's batch
 * @param fromEarliest  a new consumer group starts at the topics' beginning (backfill; receivers refuse samples older
 *                      than their head block, about an hour) instead of their end
 */
public record PrometheusExportConfig(KafkaSettings kafka, URI remoteWrite, String bearerToken, String metricsTopic,
                                     String incidentsTopic, String groupId, Duration checkpointInterval,
                                     Duration alertsResend, Duration flushInterval, boolean fromEarliest) {

    public static final String TOKEN_ENV = "HUBWATCH_REMOTE_WRITE_TOKEN";

    static final JobOption<String> REMOTE_WRITE = JobOption.text("remote-write", null,
            "the remote-write receiver, e.g. http://prometheus:9090/api/v1/write").required();
    static final JobOption<Path> TOKEN_FILE = JobOption.file("remote-write-token-file",
            "file whose first line is a bearer token for the receiver (else $" + TOKEN_ENV + ")");
    static final JobOption<String> GROUP_ID = SharedOptions.GROUP_ID.withDefault("hubwatch-prometheus-export");
    static final JobOption<Duration> ALERTS_RESEND = JobOption.duration("alerts-resend", Duration.ofSeconds(15),
            "a firing alert's ALERTS sample is written again this often (Prometheus marks a series stale after 5m)");
    static final JobOption<Duration> FLUSH_INTERVAL = JobOption.duration("flush-interval", Duration.ofSeconds(1),
            "the longest a sample waits in the remote-write batch");
    static final JobOption<Boolean> FROM_EARLIEST = JobOption.flag("from-earliest",
            "a new consumer group starts at the topics' beginning instead of their end");

    /** Every option the export job accepts, in usage order. */
    public static final List<JobOption<?>> OPTIONS = SharedOptions.with(SharedOptions.KAFKA_OPTIONS,
            List.of(REMOTE_WRITE, TOKEN_FILE, SharedOptions.METRICS_TOPIC, SharedOptions.INCIDENTS_TOPIC, GROUP_ID,
                    SharedOptions.CHECKPOINT_INTERVAL, ALERTS_RESEND, FLUSH_INTERVAL, FROM_EARLIEST));

    public PrometheusExportConfig {
        require(remoteWrite != null, "--remote-write is required (e.g. http://127.0.0.1:9090/api/v1/write)");
        require("http".equals(remoteWrite.getScheme()) || "https".equals(remoteWrite.getScheme()),
                "--remote-write must be an http:// or https:// URL, was " + remoteWrite);
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + checkpointInterval);
        require(alertsResend.toMillis() >= 1000 && alertsResend.compareTo(Duration.ofMinutes(4)) <= 0,
                "--alerts-resend must be between 1s and 4m (Prometheus marks a series stale after 5m), was " + alertsResend);
        require(flushInterval.toMillis() >= 10, "--flush-interval must be at least 10ms, was " + flushInterval);
    }

    /** The declared defaults for this broker and receiver. */
    public static PrometheusExportConfig defaults(String bootstrapServers, URI remoteWrite) {
        return fromArgs(new String[] {"--kafka", bootstrapServers, "--remote-write", remoteWrite.toString()}, Map.of());
    }

    public static PrometheusExportConfig fromArgs(String[] args) {
        return fromArgs(args, System.getenv());
    }

    /** Parses {@link #OPTIONS}: unknown options, a missing {@code --kafka} or {@code --remote-write} are refused by name. */
    public static PrometheusExportConfig fromArgs(String[] args, Map<String, String> env) {
        JobArgs a = JobArgs.parse(args, env, "prometheus export job", OPTIONS);
        URI remote;
        try {
            remote = URI.create(a.get(REMOTE_WRITE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--remote-write is not a URL: " + a.get(REMOTE_WRITE));
        }
        String token = a.secret(TOKEN_FILE, TOKEN_ENV, null);
        return new PrometheusExportConfig(a.kafka(), remote, token == null || token.isBlank() ? null : token.strip(),
                a.get(SharedOptions.METRICS_TOPIC), a.get(SharedOptions.INCIDENTS_TOPIC), a.get(GROUP_ID),
                a.get(SharedOptions.CHECKPOINT_INTERVAL), a.get(ALERTS_RESEND), a.get(FLUSH_INTERVAL), a.get(FROM_EARLIEST));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public PrometheusExportConfig withTopics(String metrics, String incidents) {
        return new PrometheusExportConfig(kafka, remoteWrite, bearerToken, metrics, incidents, groupId, checkpointInterval,
                alertsResend, flushInterval, fromEarliest);
    }

    public PrometheusExportConfig withGroup(String group) {
        return new PrometheusExportConfig(kafka, remoteWrite, bearerToken, metricsTopic, incidentsTopic, group,
                checkpointInterval, alertsResend, flushInterval, fromEarliest);
    }

    public PrometheusExportConfig withTiming(Duration checkpoints, Duration resend, Duration flush) {
        return new PrometheusExportConfig(kafka, remoteWrite, bearerToken, metricsTopic, incidentsTopic, groupId,
                checkpoints, resend, flush, fromEarliest);
    }

    public PrometheusExportConfig startingFromEarliest() {
        return new PrometheusExportConfig(kafka, remoteWrite, bearerToken, metricsTopic, incidentsTopic, groupId,
                checkpointInterval, alertsResend, flushInterval, true);
    }

    /** The token is a secret: only whether one is set is shown. */
    @Override
    public String toString() {
        return "PrometheusExportConfig[kafka=" + kafka + ", remoteWrite=" + remoteWrite + ", token="
                + (bearerToken == null ? "none" : "set") + ", alertsResend=" + alertsResend + "]";
    }
}

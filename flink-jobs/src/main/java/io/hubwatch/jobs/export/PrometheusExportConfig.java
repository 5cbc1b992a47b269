package io.hubwatch.jobs.export;

import io.hubwatch.events.Topics;
import io.hubwatch.jobs.JobArgs;
import org.apache.flink.util.ParameterTool;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.hubwatch.jobs.JobArgs.require;

/**
 * The export job's settings, checked up front with the option's name in every message.
 *
 * <pre>{@code
 * flink run -c io.hubwatch.jobs.export.PrometheusExportJob flink-jobs-job.jar --kafka kafka:9092 \
 *     --remote-write http://prometheus:9090/api/v1/write --remote-write-token-file /var/run/secrets/prom-token
 * }</pre>
 *
 * @param remoteWrite     the receiver's remote-write URL
 * @param bearerToken     sent as {@code Authorization: Bearer ...}; read from a file or {@code HUBWATCH_REMOTE_WRITE_TOKEN}, never a plain argument; null = none
 * @param alertsResend    how often a firing alert's {@code ALERTS} sample is written again (below Prometheus' 5 min staleness)
 * @param flushInterval   how long a sample may wait in the sink's batch
 * @param fromEarliest    a new consumer group starts at the topics' beginning (backfill; receivers refuse samples older
 *                        than their head block, about an hour) instead of their end
 */
public record PrometheusExportConfig(String bootstrapServers, URI remoteWrite, String bearerToken,
                                     String metricsTopic, String incidentsTopic, String groupId,
                                     Duration checkpointInterval, Duration alertsResend, Duration flushInterval,
                                     boolean fromEarliest) {

    public PrometheusExportConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "--kafka is required (host:port of a broker)");
        require(remoteWrite != null, "--remote-write is required (e.g. http://127.0.0.1:9090/api/v1/write)");
        require("http".equals(remoteWrite.getScheme()) || "https".equals(remoteWrite.getScheme()),
                "--remote-write must be an http:// or https:// URL, was " + remoteWrite);
        require(checkpointInterval.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + checkpointInterval);
        require(alertsResend.toMillis() >= 1000 && alertsResend.compareTo(Duration.ofMinutes(4)) <= 0,
                "--alerts-resend must be between 1s and 4m (Prometheus marks a series stale after 5m), was " + alertsResend);
        require(flushInterval.toMillis() >= 10, "--flush-interval must be at least 10ms, was " + flushInterval);
    }

    public static PrometheusExportConfig defaults(String bootstrapServers, URI remoteWrite) {
        return new PrometheusExportConfig(bootstrapServers, remoteWrite, null, Topics.METRICS, Topics.INCIDENTS,
                "hubwatch-prometheus-export", Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(1), false);
    }

    public PrometheusExportConfig withTopics(String metrics, String incidents) {
        return new PrometheusExportConfig(bootstrapServers, remoteWrite, bearerToken, metrics, incidents, groupId,
                checkpointInterval, alertsResend, flushInterval, fromEarliest);
    }

    public PrometheusExportConfig withGroup(String group) {
        return new PrometheusExportConfig(bootstrapServers, remoteWrite, bearerToken, metricsTopic, incidentsTopic, group,
                checkpointInterval, alertsResend, flushInterval, fromEarliest);
    }

    public PrometheusExportConfig startingFromEarliest() {
        return new PrometheusExportConfig(bootstrapServers, remoteWrite, bearerToken, metricsTopic, incidentsTopic, groupId,
                checkpointInterval, alertsResend, flushInterval, true);
    }

    public PrometheusExportConfig withTiming(Duration checkpoints, Duration resend, Duration flush) {
        return new PrometheusExportConfig(bootstrapServers, remoteWrite, bearerToken, metricsTopic, incidentsTopic,
                groupId, checkpoints, resend, flush, fromEarliest);
    }

    /** Parses the command line; unknown options are refused by name. */
    public static PrometheusExportConfig fromArgs(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        for (String key : p.toMap().keySet()) {
            require(java.util.Set.of("kafka", "remote-write", "remote-write-token-file", "metrics-topic",
                            "incidents-topic", "group-id", "checkpoint-interval", "alerts-resend", "flush-interval",
                            "from-earliest")
                    .contains(key), "unknown option --" + key);
        }
        String url = p.get("remote-write");
        URI remote;
        try {
            remote = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--remote-write is not a URL: " + url);
        }
        PrometheusExportConfig d = defaults(p.get("kafka"), remote);
        return new PrometheusExportConfig(d.bootstrapServers(), d.remoteWrite(), token(p),
                p.get("metrics-topic", d.metricsTopic()), p.get("incidents-topic", d.incidentsTopic()),
                p.get("group-id", d.groupId()),
                JobArgs.duration(p, "checkpoint-interval", d.checkpointInterval()),
                JobArgs.duration(p, "alerts-resend", d.alertsResend()),
                JobArgs.duration(p, "flush-interval", d.flushInterval()), p.has("from-earliest"));
    }

    private static String token(ParameterTool p) {
        if (p.has("remote-write-token-file")) {
            Path file = Path.of(p.get("remote-write-token-file"));
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--remote-write-token-file " + file + " cannot be read: " + e.getMessage());
            }
        }
        String env = System.getenv("HUBWATCH_REMOTE_WRITE_TOKEN");
        return env == null || env.isBlank() ? null : env.strip();
    }

    @Override
    public String toString() {
        return "PrometheusExportConfig[kafka=" + bootstrapServers + ", remoteWrite=" + remoteWrite + ", token="
                + (bearerToken == null ? "none" : "set") + ", alertsResend=" + alertsResend + "]";
    }
}

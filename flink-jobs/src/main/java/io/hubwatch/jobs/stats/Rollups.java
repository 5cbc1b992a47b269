package io.hubwatch.jobs.stats;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one-minute rollups the business statistics job writes to PostgreSQL (tables of migration {@code V20__rollups}).
 * {@code minute} is the window start, epoch milliseconds.
 */
public final class Rollups {
    private Rollups() {}

    /** Per endpoint and minute: calls, errors (5xx), error rate in percent, latency percentiles in ms. */
    public record EndpointMinute(long minute, String endpoint, long calls, long errors, double errorRate,
                                 double p50Ms, double p95Ms, double p99Ms) {}

    /** Per AI model and minute: calls, tokens and cost. */
    public record ModelMinute(long minute, String model, long calls, long promptTokens, long completionTokens,
                              double cost) {}

    /** Distinct users and sessions that made a call in the minute. */
    public record ActivityMinute(long minute, long activeUsers, long activeSessions) {}

    /** Per page, web vital and minute: how many samples and their 75th percentile (ms; CLS unitless). */
    public record PageVitalMinute(long minute, String page, String name, long samples, double p75) {}

    /** Per metric series and minute (system metrics and everything else on {@code metrics}). */
    public record SeriesMinute(long minute, String seriesKey, String metric, String source, Map<String, String> labels,
                               long samples, double min, double max, double avg, double last) {
        public SeriesMinute {
            labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
        }
    }
}

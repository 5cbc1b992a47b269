package io.hubwatch.jobs.stats;

/**
 * Which time the published {@code api_response_time} and {@code error_rate} samples carry.
 *
 * <p>{@link #WINDOW_END} is the event time the minute ends: deterministic, and right for replays and tests.
 * {@link #PUBLISH_TIME} is the later of that and the wall clock when the minute is published, as a Prometheus
 * recording rule stamps its result with the evaluation time. A live alert job needs it: its watermark follows the
 * other live series on {@code metrics} (the host agent's, every 10 s) and refuses events more than its
 * out-of-orderness (5 s) behind them, while a minute can only be published after the statistics job's own watermark
 * passed its end, which is at least 5 s later, so window-end stamps would often arrive late.
 */
public enum MetricTime {
    WINDOW_END, PUBLISH_TIME
}

package io.hubwatch.notify;

import java.time.Duration;

/**
 * How a notifier process runs, beside what it routes (the routing file's {@link io.hubwatch.notify.config.NotifierConfig}).
 *
 * <pre>{@code
 * Notifier.start(config, "localhost:9092", NotifierOptions.defaults().withDeadLetterTimeout(Duration.ofSeconds(10)));
 * }</pre>
 *
 * <p>What survives a restart is kept in Kafka, not here: an incident's offset is committed only once its group was
 * delivered or dead-lettered, so incidents still waiting in group_wait are read again, re-grouped and sent after a
 * restart, and delivered ones are not sent again. That needs the broker's data to survive and the same consumer group
 * ({@code hubwatch.kafka.group_id}) on every start.
 *
 * @param deadLetterTimeout how long writing one dead letter may take before the notifier gives up on it (error log,
 *                          {@code hubwatch_notifier_dead_letter_failures_total}); the incident then stays uncommitted
 *                          and is tried again after a restart
 * @param minRestartBackoff first wait before the consumer is restarted after a failure; doubles up to the maximum
 * @param maxRestartBackoff longest wait between consumer restarts
 */
public record NotifierOptions(Duration deadLetterTimeout, Duration minRestartBackoff, Duration maxRestartBackoff) {

    public NotifierOptions {
        if (deadLetterTimeout == null || deadLetterTimeout.isNegative() || deadLetterTimeout.isZero()) {
            throw new IllegalArgumentException("the dead-letter timeout must be positive, was " + deadLetterTimeout);
        }
        if (minRestartBackoff == null || minRestartBackoff.isNegative() || minRestartBackoff.isZero()
                || maxRestartBackoff == null || maxRestartBackoff.compareTo(minRestartBackoff) < 0) {
            throw new IllegalArgumentException("restart backoffs must satisfy 0 < min <= max, were "
                    + minRestartBackoff + " and " + maxRestartBackoff);
        }
    }

    /** 30 s per dead letter, restarts after 1 s doubling to 30 s. */
    public static NotifierOptions defaults() {
        return new NotifierOptions(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public NotifierOptions withDeadLetterTimeout(Duration timeout) {
        return new NotifierOptions(timeout, minRestartBackoff, maxRestartBackoff);
    }

    public NotifierOptions withRestartBackoff(Duration min, Duration max) {
        return new NotifierOptions(deadLetterTimeout, min, max);
    }
}

package io.hubwatch.notify;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a notifier process runs, beside what it routes (the routing file's {@link io.hubwatch.notify.config.NotifierConfig}).
 *
 * <pre>{@code
 * Notifier.start(config, "localhost:9092", NotifierOptions.defaults().withStateDir(home.resolve(".hubwatch/notifier")));
 * }</pre>
 *
 * <p>Pending notifications survive a restart in Kafka: an incident's offset is committed only once its group was
 * delivered or dead-lettered, so incidents still waiting in group_wait are read again, re-grouped and sent after a
 * restart. That needs the broker's data to survive and the same consumer group ({@code hubwatch.kafka.group_id}) on
 * every start. The state directory adds what Kafka cannot know: which notifications were delivered but not yet
 * committed when the process died, so they are not sent a second time.
 *
 * @param stateDir          where the notifier records the notifications it delivered (a bounded {@code sent.log});
 *                          null keeps no record, and a notifier killed between delivery and commit sends again
 * @param deadLetterTimeout how long writing one dead letter may take before the notifier gives up on it (error log,
 *                          {@code hubwatch_notifier_dead_letter_failures_total}); the incident then stays uncommitted
 *                          and is tried again after a restart
 * @param minRestartBackoff first wait before the consumer is restarted after a failure; doubles up to the maximum
 * @param maxRestartBackoff longest wait between consumer restarts
 */
public record NotifierOptions(Path stateDir, Duration deadLetterTimeout, Duration minRestartBackoff,
                              Duration maxRestartBackoff) {

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

    /** No state directory, 30 s per dead letter, restarts after 1 s doubling to 30 s. */
    public static NotifierOptions defaults() {
        return new NotifierOptions(null, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public NotifierOptions withStateDir(Path dir) {
        return new NotifierOptions(dir, deadLetterTimeout, minRestartBackoff, maxRestartBackoff);
    }

    public NotifierOptions withDeadLetterTimeout(Duration timeout) {
        return new NotifierOptions(stateDir, timeout, minRestartBackoff, maxRestartBackoff);
    }

    public NotifierOptions withRestartBackoff(Duration min, Duration max) {
        return new NotifierOptions(stateDir, deadLetterTimeout, min, max);
    }
}

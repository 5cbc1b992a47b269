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
 * @param stateDir          where the notifier keeps what it already notified (one small file), so that after a
 *                          restart an episode's firing that was sent is not sent a second time; null keeps it in
 *                          memory only
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

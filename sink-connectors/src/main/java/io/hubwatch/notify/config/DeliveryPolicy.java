package io.hubwatch.notify.config;

import java.time.Duration;

/**
 * How hard one receiver is tried: a timeout per attempt, exponential backoff with full jitter between attempts, a
 * deadline after which the notification goes to the dead-letter topic, and a token-bucket rate limit.
 * Set in the {@code hubwatch.delivery} section (defaults for all) and {@code hubwatch.receivers.NAME} (overrides).
 *
 * @param maxAttempts  attempts before giving up (also bounded by {@code giveUpAfter})
 * @param ratePerSecond notifications per second this receiver accepts; excess waits (counted as rate-limited)
 */
public record DeliveryPolicy(Duration timeout, Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter,
                             int maxAttempts, double ratePerSecond, int burst) {

    public static final DeliveryPolicy DEFAULT = new DeliveryPolicy(Duration.ofSeconds(10), Duration.ofSeconds(1),
            Duration.ofSeconds(30), Duration.ofMinutes(5), 50, 5.0, 10);
}

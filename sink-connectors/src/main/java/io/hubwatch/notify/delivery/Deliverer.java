package io.hubwatch.notify.delivery;

import io.hubwatch.notify.config.DeliveryPolicy;
import io.hubwatch.notify.receiver.DeliveryException;
import io.hubwatch.notify.receiver.Integration;
import io.hubwatch.notify.receiver.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Delivers one notification through one integration: rate limit, timeout per attempt, retries with exponential
 * backoff and jitter until {@code max_attempts} or {@code give_up_after}. Blocking; run it on a delivery thread.
 *
 * <pre>{@code
 * Deliverer.Outcome o = deliverer.deliver(integration, notification);
 * if (o.kind() == Deliverer.Kind.FAILED) { deadLetters.publish(..., o.reason()); }
 * }</pre>
 */
public final class Deliverer {
    private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);

    /** Delivered; failed for good (dead-letter it); or stopped because the notifier is closing (replayed later). */
    public enum Kind { DELIVERED, FAILED, ABORTED }

    public record Outcome(Kind kind, String reason, int attempts) {}

    private final Function<String, DeliveryPolicy> policies;
    private final DeliveryMetrics metrics;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public Deliverer(Function<String, DeliveryPolicy> policies, DeliveryMetrics metrics) {
        this.policies = policies;
        this.metrics = metrics;
    }

    public Outcome deliver(Integration integration, Notification n) {
        String receiver = integration.receiver();
        String name = integration.name();
        DeliveryPolicy policy = policies.apply(receiver);
        RateLimiter limiter = limiters.computeIfAbsent(receiver, r -> new RateLimiter(policy.ratePerSecond(), policy.burst()));
        long start = System.nanoTime();
        long deadline = start + policy.giveUpAfter().toNanos();
        String lastError = "not attempted";
        for (int attempt = 1; ; attempt++) {
            if (stopping) {
                return new Outcome(Kind.ABORTED, "notifier stopping", attempt - 1);
            }
            try {
                if (limiter.acquire()) {
                    metrics.rateLimited(receiver, name);
                }
                integration.send(n, policy.timeout());
                metrics.sent(receiver, name);
                metrics.latency(receiver, name, Duration.ofNanos(System.nanoTime() - start));
                return new Outcome(Kind.DELIVERED, null, attempt);
            } catch (DeliveryException e) {
                metrics.failed(receiver, name);
                lastError = e.getMessage();
                if (!e.retryable()) {
                    LOG.warn("receiver {} {} attempt {} for notification {} failed, not retryable: {}", receiver, name,
                            attempt, n.idempotencyKey(), lastError);
                    return new Outcome(Kind.FAILED, lastError + " (not retryable)", attempt);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(Kind.ABORTED, "notifier stopping", attempt);
            }
            long backoff = backoffNanos(policy, attempt);
            if (attempt >= policy.maxAttempts() || System.nanoTime() + backoff > deadline) {
                LOG.warn("receiver {} {} attempt {} for notification {} failed, giving up: {}", receiver, name, attempt,
                        n.idempotencyKey(), lastError);
                return new Outcome(Kind.FAILED, "gave up after " + attempt + " attempts: " + lastError, attempt);
            }
            // at WARN, not DEBUG: a retried timeout may mean the receiver got the notification twice, and the harness'
            // lost webhook response (docs/decisions.md) went unexplained while its retries were logged at DEBUG only
            LOG.warn("receiver {} {} attempt {} for notification {} failed, retrying in {} ms: {}", receiver, name,
                    attempt, n.idempotencyKey(), backoff / 1_000_000, lastError);
            metrics.retried(receiver, name);
            try {
                Thread.sleep(Math.max(1, backoff / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(Kind.ABORTED, "notifier stopping", attempt);
            }
        }
    }

    /** Exponential backoff capped at max_backoff, with "equal jitter": half fixed, half random. */
    static long backoffNanos(DeliveryPolicy policy, int attempt) {
        double exp = policy.initialBackoff().toNanos() * Math.pow(2, Math.min(30, attempt - 1));
        long capped = (long) Math.min(policy.maxBackoff().toNanos(), exp);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** Makes running and later deliveries stop at the next attempt boundary. */
    public void stop() {
        stopping = true;
    }
}

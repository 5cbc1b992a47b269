package io.hubwatch.notify.receiver;

/**
 * One way a receiver is reached (one {@code email_configs}, {@code slack_configs} or {@code webhook_configs} entry).
 * {@link #send} makes one attempt; retries, rate limits and dead-lettering are the caller's job.
 *
 * <pre>{@code
 * for (Integration i : integrations) { i.send(notification); }   // throws DeliveryException
 * }</pre>
 */
public interface Integration {
    /** The receiver it belongs to. */
    String receiver();

    /** e.g. {@code webhook[0]}, for metrics and messages. */
    String name();

    /** {@code email}, {@code slack} or {@code webhook}. */
    String kind();

    boolean sendResolved();

    /** One attempt, bounded by {@code timeout}. */
    void send(Notification notification, java.time.Duration timeout) throws DeliveryException;
}

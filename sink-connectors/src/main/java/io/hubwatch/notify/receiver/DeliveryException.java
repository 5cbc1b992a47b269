package io.hubwatch.notify.receiver;

/**
 * One failed attempt. The message is safe to log and to return from the test-send API: it never contains a secret.
 * Non-retryable failures (e.g. HTTP 400, a refused target) go to the dead-letter topic without more attempts.
 */
public class DeliveryException extends Exception {
    private final boolean retryable;

    public DeliveryException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}

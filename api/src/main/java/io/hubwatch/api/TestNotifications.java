package io.hubwatch.api;

import java.util.List;
import java.util.Map;

/**
 * Sends a test notification through named receivers; the notifier's {@code TestSend::send} fits. Kept as an interface
 * so the API does not depend on the notifier module.
 *
 * <pre>{@code
 * config.withTestNotifications(notifier.testSend()::send)
 * }</pre>
 */
@FunctionalInterface
public interface TestNotifications {
    /** @return per receiver, in order: {@code delivered} or the error */
    Map<String, String> send(String message, List<String> receivers);
}

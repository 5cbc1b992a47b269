package io.hubwatch.notify;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Labels;
import io.hubwatch.events.Severity;
import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.delivery.TargetGuard;
import io.hubwatch.notify.receiver.DeliveryException;
import io.hubwatch.notify.receiver.Integration;
import io.hubwatch.notify.receiver.Integrations;
import io.hubwatch.notify.receiver.Notification;
import io.hubwatch.notify.receiver.internal.HttpPoster;
import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sends a test notification through named receivers, one attempt each (same SSRF guard and timeouts as real
 * deliveries), and says per receiver {@code delivered} or what went wrong. Error texts never contain secrets.
 * Backs {@code POST /api/v1/alerts/test-notification} and {@code bin/hubwatch notify test --channel NAME}.
 *
 * <pre>{@code
 * try (TestSend test = TestSend.standalone(NotifierConfig.load(file))) {
 *     Map<String, String> result = test.send("hello from Hubwatch", List.of("ops-webhook"));
 *     // {"ops-webhook": "delivered"}
 * }
 * }</pre>
 */
public final class TestSend implements AutoCloseable {
    public static final String DELIVERED = "delivered";

    private final NotifierConfig config;
    private final Map<String, List<Integration>> integrations;
    private final Runnable onClose;

    TestSend(NotifierConfig config, Map<String, List<Integration>> integrations, Runnable onClose) {
        this.config = config;
        this.integrations = integrations;
        this.onClose = onClose;
    }

    /** A test sender with its own HTTP client, for the shell (no Kafka needed). Close it when done. */
    public static TestSend standalone(NotifierConfig config) {
        Vertx vertx = Vertx.vertx();
        HttpPoster poster = new HttpPoster(vertx, new TargetGuard(config.targets()));
        return new TestSend(config, Integrations.build(config, poster), () -> {
            poster.close();
            vertx.close();
        });
    }

    /**
     * @param message        the text of the test alert's summary
     * @param receiverNames  receivers to try; an unknown name gets an error entry, not an exception
     * @return per receiver, in the given order: {@code delivered}, or the error (naming the integration)
     */
    public Map<String, String> send(String message, List<String> receiverNames) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = message == null || message.isBlank() ? "Test notification from Hubwatch" : message;
        for (String name : receiverNames) {
            List<Integration> list = integrations.get(name);
            if (list == null) {
                out.put(name, "unknown receiver '" + name + "' (known: " + String.join(", ", new java.util.TreeSet<>(integrations.keySet())) + ")");
                continue;
            }
            if (list.isEmpty()) {
                out.put(name, "receiver '" + name + "' has no email_configs, slack_configs or webhook_configs");
                continue;
            }
            Notification n = notification(name, text);
            StringBuilder errors = new StringBuilder();
            for (Integration i : list) {
                try {
                    i.send(n, config.deliveryFor(name).timeout());
                } catch (DeliveryException e) {
                    errors.append(errors.length() == 0 ? "" : "; ").append(i.name()).append(": ").append(e.getMessage());
                }
            }
            out.put(name, errors.length() == 0 ? DELIVERED : errors.toString());
        }
        return out;
    }

    private Notification notification(String receiver, String text) {
        Instant now = Instant.now();
        Map<String, String> labels = Map.of("alertname", "HubwatchTestNotification", "severity", "info");
        String fingerprint = Labels.fingerprint(Map.of("alertname", "HubwatchTestNotification", "test", UUID.randomUUID().toString()));
        Incident incident = new Incident(Incident.idFor(fingerprint, now, IncidentStatus.FIRING), "HubwatchTestNotification",
                IncidentKind.THRESHOLD, IncidentStatus.FIRING, Severity.INFO, "test", labels, 0.0, null, now, null,
                text, Map.of("description", "A test sent on request; no action needed."), fingerprint);
        Map<String, String> groupLabels = Map.of("alertname", "HubwatchTestNotification");
        return new Notification(receiver, "{}/test:{alertname=\"HubwatchTestNotification\"}", groupLabels,
                List.of(incident), "test-" + UUID.randomUUID(), config.externalUrl());
    }

    /** Receiver names this sender knows. */
    public Set<String> receivers() {
        return integrations.keySet();
    }

    @Override
    public void close() {
        onClose.run();
    }
}

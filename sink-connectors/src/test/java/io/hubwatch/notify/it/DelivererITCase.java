package io.hubwatch.notify.it;

import io.hubwatch.notify.config.DeliveryPolicy;
import io.hubwatch.notify.config.HttpSettings;
import io.hubwatch.notify.config.Secret;
import io.hubwatch.notify.config.TargetPolicy;
import io.hubwatch.notify.config.WebhookConfig;
import io.hubwatch.notify.delivery.Deliverer;
import io.hubwatch.notify.delivery.DeliveryMetrics;
import io.hubwatch.notify.delivery.TargetGuard;
import io.hubwatch.notify.receiver.Notification;
import io.hubwatch.notify.receiver.WebhookIntegration;
import io.hubwatch.notify.receiver.internal.HttpPoster;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Retries, rate limit and non-retryable answers of one receiver, against a real local HTTP server. */
class DelivererITCase {
    private final Vertx vertx = Vertx.vertx();
    private final HttpRecorder server = new HttpRecorder();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HttpPoster poster = new HttpPoster(vertx, new TargetGuard(new TargetPolicy(true, List.of())));

    @AfterEach
    void close() {
        poster.close();
        vertx.close();
        server.close();
    }

    private WebhookIntegration webhook() {
        return new WebhookIntegration("hook", 0, new WebhookConfig(true, Secret.of(server.url("/hook")), 0,
                WebhookConfig.Payload.ALERTMANAGER, null, null, WebhookConfig.DEFAULT_HMAC_HEADER, HttpSettings.NONE), poster);
    }

    private Deliverer deliverer(DeliveryPolicy policy) {
        return new Deliverer(r -> policy, new DeliveryMetrics(registry));
    }

    private static Notification notification(String host) {
        return new Notification("hook", "{}:{}", Map.of(), List.of(Incidents.firing("cpu", host, Instant.now())),
                "key-" + host, "http://hubwatch.test");
    }

    private double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aReceiverThatRecoversGetsTheNotificationAfterRetries() {
        server.respondWith(503);
        Deliverer d = deliverer(new DeliveryPolicy(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofSeconds(20), 100, 100, 100));
        CompletableFuture<Deliverer.Outcome> outcome = CompletableFuture.supplyAsync(() -> d.deliver(webhook(), notification("a")));
        org.awaitility.Awaitility.await().until(() -> count("hubwatch.notifier.failed") >= 2);
        server.respondWith(200);

        assertThat(outcome.join().kind()).isEqualTo(Deliverer.Kind.DELIVERED);
        assertThat(server.requests()).hasSize(1);
        assertThat(count("hubwatch.notifier.retried")).isGreaterThanOrEqualTo(2);
        assertThat(count("hubwatch.notifier.sent")).isEqualTo(1);
    }

    @Test
    void aClientErrorIsNotRetried() {
        server.respondWith(400);

        Deliverer.Outcome outcome = deliverer(DeliveryPolicy.DEFAULT).deliver(webhook(), notification("b"));

        assertThat(outcome.kind()).isEqualTo(Deliverer.Kind.FAILED);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.reason()).isEqualTo("HTTP 400 from 127.0.0.1: receiver says no (not retryable)");
    }

    @Test
    void notificationsBeyondTheRateLimitWaitAndAreCountedAsRateLimited() {
        Deliverer d = deliverer(new DeliveryPolicy(Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMillis(100),
                Duration.ofSeconds(20), 3, 2, 1));

        for (int i = 0; i < 4; i++) {
            assertThat(d.deliver(webhook(), notification("h" + i)).kind()).isEqualTo(Deliverer.Kind.DELIVERED);
        }

        assertThat(server.requests()).hasSize(4);
        assertThat(count("hubwatch.notifier.rate.limited")).isEqualTo(3);
    }
}

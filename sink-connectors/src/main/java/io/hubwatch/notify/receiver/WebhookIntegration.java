package io.hubwatch.notify.receiver;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.config.Secret;
import io.hubwatch.notify.config.WebhookConfig;
import io.hubwatch.notify.receiver.internal.AlertmanagerPayload;
import io.hubwatch.notify.receiver.internal.HttpPoster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A webhook receiver: the Alertmanager v4 body (so existing Alertmanager webhook receivers work unchanged), or
 * PagerDuty Events v2 events. Headers: {@code Idempotency-Key}, the configured headers and authorization, and with
 * {@code hmac_secret} a signature {@code X-Hubwatch-Signature-256: sha256=<hex HMAC-SHA256 of the exact body>}.
 *
 * <pre>{@code
 * new WebhookIntegration("ops", 0, config, poster).send(notification, Duration.ofSeconds(10));
 * }</pre>
 */
public final class WebhookIntegration implements Integration {
    private final String receiver;
    private final int index;
    private final WebhookConfig config;
    private final HttpPoster poster;

    public WebhookIntegration(String receiver, int index, WebhookConfig config, HttpPoster poster) {
        this.receiver = receiver;
        this.index = index;
        this.config = config;
        this.poster = poster;
    }

    @Override
    public String receiver() {
        return receiver;
    }

    @Override
    public String name() {
        return "webhook[" + index + "]";
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    @Override
    public void send(Notification n, Duration timeout) throws DeliveryException {
        if (config.payload() == WebhookConfig.Payload.PAGERDUTY) {
            for (Incident i : n.alerts()) {
                post(EventJson.toBytes(io.hubwatch.notify.receiver.internal.PagerDutyPayload.event(
                        n, i, config.pagerdutyRoutingKey().reveal())), n.idempotencyKey() + "-" + i.fingerprint(), timeout);
            }
            return;
        }
        post(EventJson.toBytes(AlertmanagerPayload.build(n, config.maxAlerts())), n.idempotencyKey(), timeout);
    }

    private void post(byte[] body, String idempotencyKey, Duration timeout) throws DeliveryException {
        Map<String, String> headers = new LinkedHashMap<>();
        config.http().headers().forEach((k, v) -> headers.put(k, v.reveal()));
        if (config.http().authorizationSecret() != null) {
            headers.put("Authorization", config.http().authorizationType() + " " + config.http().authorizationSecret().reveal());
        }
        headers.put("Idempotency-Key", idempotencyKey);
        if (config.hmacSecret() != null) {
            headers.put(config.hmacHeader(), "sha256=" + hmacSha256(config.hmacSecret().reveal(), body));
        }
        poster.post(config.url(), headers, body, timeout, secrets());
    }

    private List<Secret> secrets() {
        List<Secret> s = new ArrayList<>(config.http().headers().values());
        s.add(config.url());
        s.add(config.http().authorizationSecret());
        s.add(config.hmacSecret());
        s.add(config.pagerdutyRoutingKey());
        return s;
    }

    /** Lower-case hex HMAC-SHA256 of {@code body} with {@code secret}; what a receiver recomputes to verify. */
    public static String hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always present in a JDK", e);
        }
    }
}

package io.hubwatch.notify.config;

/**
 * One {@code webhook_configs} entry.
 *
 * @param url                the target (a secret: it often carries a token)
 * @param maxAlerts          at most this many alerts per payload, 0 for all ({@code truncatedAlerts} counts the rest)
 * @param payload            {@link Payload#ALERTMANAGER} (the v4 webhook body) or {@link Payload#PAGERDUTY}
 *                           (Events API v2, one event per alert, {@code dedup_key} = fingerprint)
 * @param pagerdutyRoutingKey the integration key, for {@link Payload#PAGERDUTY}
 * @param hmacSecret         null for no signature; else {@code hmacHeader: sha256=<hex HMAC-SHA256 of the body>}
 */
public record WebhookConfig(boolean sendResolved, Secret url, int maxAlerts, Payload payload,
                            Secret pagerdutyRoutingKey, Secret hmacSecret, String hmacHeader, HttpSettings http) {

    /** What the body looks like. */
    public enum Payload { ALERTMANAGER, PAGERDUTY }

    public static final String DEFAULT_HMAC_HEADER = "X-Hubwatch-Signature-256";
}

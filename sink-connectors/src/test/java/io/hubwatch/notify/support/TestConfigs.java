package io.hubwatch.notify.support;

import io.hubwatch.notify.config.NotifierConfig;

import java.util.Map;

/** Routing files for the integration tests: everything fast, loopback allowed, unique topics and group. */
public final class TestConfigs {
    private TestConfigs() {}

    public static final String HMAC_SECRET = "hmac-test-secret";
    public static final String SMTP_PASSWORD = "smtp-test-password";

    /** The {@code hubwatch:} section with small timings, the given topics and a delivery section. */
    public static String hubwatch(String[] topics, String delivery) {
        return """
                hubwatch:
                  allow_loopback: true
                  external_url: http://hubwatch.test:8080
                  kafka: { incidents_topic: %s, dead_letter_topic: %s, group_id: %s-group }
                  delivery: %s
                """.formatted(topics[0], topics[1], topics[0], delivery);
    }

    public static final String FAST_DELIVERY =
            "{ timeout: 2s, initial_backoff: 100ms, max_backoff: 400ms, give_up_after: 10s, max_attempts: 3, rate_per_second: 200, burst: 200 }";

    public static NotifierConfig parse(String yaml) {
        return NotifierConfig.parse(yaml, null, Map.of("HOOK_HMAC", HMAC_SECRET, "SMTP_PASSWORD", SMTP_PASSWORD)::get);
    }
}

package io.hubwatch.notify.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTest {

    @Test
    void aSecretIsRedactedFromLibraryErrorTexts() {
        Secret url = Secret.of("https://hooks.slack.com/services/T1/B2/abc");

        assertThat(url.redact("cannot POST https://hooks.slack.com/services/T1/B2/abc: 404"))
                .isEqualTo("cannot POST <secret>: 404");
        assertThat(url).hasToString("<secret>");
    }
}

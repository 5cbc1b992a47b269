package io.hubwatch.notify.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing files written to hurt or by mistake: each is refused at load with what and where, never accepted to fail at
 * every delivery, and never an exception other than {@link NotifierConfigException}.
 */
class HostileConfigTest {

    private static final String RECEIVER = """
            receivers:
              - name: a
                webhook_configs: [{ url: 'https://x.example.com/hook' }]
            """;

    private static NotifierConfig parse(String yaml) {
        return NotifierConfig.parse(yaml, null, Map.<String, String>of()::get);
    }

    @Test
    void aMatchReRegexTooLargeOnceExpandedIsAProblemOfTheFile() {
        assertThatThrownBy(() -> parse("""
                route:
                  receiver: a
                  routes: [{ receiver: a, match_re: { host: '((a{1000}){1000}){1000}' } }]
                """ + RECEIVER))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("route.routes[0] (receiver 'a'): field 'match_re': '((a{1000}){1000}){1000}'")
                .hasMessageContaining("regex is too large");
    }

    @Test
    void labelValuesAndGroupByNamesMustBeSingleValues() {
        assertThatThrownBy(() -> parse("""
                route:
                  receiver: a
                  group_by: [alertname, { a: b }, null, [x]]
                  routes:
                    - { receiver: a, match: { host: null }, match_re: { team: [1, 2] } }
                """ + RECEIVER))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("route (receiver 'a'): field 'group_by': item 2 must be a single value")
                .hasMessageContaining("item 3 must be a single value")
                .hasMessageContaining("item 4 must be a single value")
                .hasMessageContaining("field 'match': the value of 'host' must be a single value")
                .hasMessageContaining("field 'match_re': the value of 'team' must be a single value");
    }

    @Test
    void headersThatNoHttpClientCanSendAreRefusedAtLoad() {
        assertThatThrownBy(() -> parse("""
                route: { receiver: a }
                receivers:
                  - name: a
                    webhook_configs:
                      - url: 'https://x.example.com/h'
                        http_config:
                          http_headers:
                            X-Injected: { values: ["a\\r\\nEvil: 1"] }
                            'X Bad:': { values: [a] }
                """))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("http_headers.X-Injected: the value holds a control character")
                .hasMessageContaining("http_headers.X Bad:: 'X Bad:' is not a header name");
    }

    @Test
    void portsOutOfRangeAndAddressesWithLineBreaksAreRefusedAtLoad() {
        assertThatThrownBy(() -> parse("""
                route: { receiver: a }
                global: { smtp_smarthost: 'mail.example.com:99999', smtp_from: "a@example.com\\r\\nBcc: evil@example.net" }
                receivers:
                  - name: a
                    webhook_configs: [{ url: 'https://x.example.com:99999/hook' }]
                    email_configs: [{ to: "t@example.com\\r\\nBcc: evil@example.net" }]
                """))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("webhook_configs[0]: field 'url': port 99999 is not a port (1-65535)")
                .hasMessageContaining("email_configs[0]: field 'smarthost': 'mail.example.com:99999' is not host:port")
                .hasMessageContaining("email_configs[0]: field 'from': is not an email address")
                .hasMessageContaining("email_configs[0]: field 'to': is not a list of email addresses");
    }

    @Test
    void theOrdinaryFormsStillLoad() {
        NotifierConfig c = parse("""
                route:
                  receiver: a
                  group_by: [alertname, 1]
                  routes: [{ receiver: a, match: { port: 8080 }, match_re: { host: 'web-.*' } }]
                global: { smtp_smarthost: 'mail.example.com:587', smtp_from: '"Hubwatch, alerts" <a@example.com>' }
                receivers:
                  - name: a
                    webhook_configs:
                      - url: 'https://x.example.com:8443/hook'
                        http_config: { http_headers: { X-Team: { values: [sre, "on call"] } } }
                    email_configs: [{ to: 'a@example.com, b@example.com' }]
                """);
        assertThat(c.route().groupBy()).containsExactly("alertname", "1");
    }

    /** A FIFO blocks a read until someone writes to it: the load must refuse it, not wait. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSecretFileOrRoutingFileThatIsAFifoOrADeviceIsRefusedWithoutWaiting(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("token");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path routing = dir.resolve("routing.yml");
        Files.writeString(routing, """
                route: { receiver: a }
                receivers:
                  - name: a
                    webhook_configs:
                      - url: 'https://x.example.com/hook'
                        http_config: { authorization: { credentials_file: token } }
                  - name: b
                    webhook_configs:
                      - url: 'https://y.example.com/hook'
                        http_config: { authorization: { credentials_file: /dev/zero } }
                """);

        assertThatThrownBy(() -> NotifierConfig.load(routing))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("secret file " + fifo + " is not a regular file")
                .hasMessageContaining("secret file /dev/zero is not a regular file");
        assertThatThrownBy(() -> NotifierConfig.load(fifo))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("routing file " + fifo + " is not a regular file");
    }
}

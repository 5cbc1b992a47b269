package io.hubwatch.notify.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotifierConfigTest {

    private static final String ALERTMANAGER_YML = """
            global:
              resolve_timeout: 5m
              smtp_from: alertmanager@example.org
              smtp_smarthost: smtp.example.org:587
              smtp_auth_username: alertmanager
              smtp_auth_password: ${SMTP_PASSWORD}
              slack_api_url_file: slack-url
            route:
              receiver: team-email
              group_by: ['alertname', 'cluster']
              group_wait: 30s
              group_interval: 5m
              repeat_interval: 3h
              routes:
                - matchers: ['severity="critical"', 'service=~"db|api"']
                  receiver: pager
                  continue: true
                  group_wait: 10s
                - match:
                    team: frontend
                  receiver: frontend-slack
                  group_by: ['...']
            receivers:
              - name: team-email
                email_configs:
                  - to: 'team@example.org, oncall@example.org'
                    send_resolved: true
              - name: pager
                webhook_configs:
                  - url: https://events.example.com/hook
                    http_config:
                      authorization:
                        credentials_file: token
                      http_headers:
                        X-Team:
                          values: [sre]
              - name: frontend-slack
                slack_configs:
                  - channel: '#frontend'
            """;

    private NotifierConfig parse(String yaml, Path dir) {
        return NotifierConfig.parse(yaml, dir, Map.of("SMTP_PASSWORD", "hunter2")::get);
    }

    @Test
    void anExistingAlertmanagerFileWithinTheSupportedPartLoadsWithInheritedValues(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slack-url"), "https://hooks.slack.com/services/T/B/XYZ\n");
        Files.writeString(dir.resolve("token"), "s3cret-token");

        NotifierConfig config = parse(ALERTMANAGER_YML, dir);

        RouteConfig critical = config.route().routes().get(0);
        assertThat(critical.receiver()).isEqualTo("pager");
        assertThat(critical.groupBy()).containsExactly("alertname", "cluster");
        assertThat(critical.groupWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(critical.repeatInterval()).isEqualTo(Duration.ofHours(3));
        assertThat(critical.continueMatching()).isTrue();
        assertThat(config.route().routes().get(1).groupByAll()).isTrue();
        EmailConfig email = config.receivers().get("team-email").emails().get(0);
        assertThat(email.to()).containsExactly("team@example.org", "oncall@example.org");
        assertThat(email.smarthost()).isEqualTo("smtp.example.org:587");
        assertThat(email.requireTls()).isTrue();
        assertThat(email.authPassword().reveal()).isEqualTo("hunter2");
        assertThat(config.receivers().get("frontend-slack").slacks().get(0).apiUrl().reveal())
                .isEqualTo("https://hooks.slack.com/services/T/B/XYZ");
        assertThat(config.receivers().get("pager").webhooks().get(0).http().authorizationSecret().reveal())
                .isEqualTo("s3cret-token");
    }

    @Test
    void secretsNeverShowInTheirTextForm(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slack-url"), "https://hooks.slack.com/services/T/B/XYZ");
        Files.writeString(dir.resolve("token"), "s3cret-token");

        NotifierConfig config = parse(ALERTMANAGER_YML, dir);

        assertThat(config.toString()).doesNotContain("hunter2", "XYZ", "s3cret-token").contains("<secret>");
    }

    @Test
    void fieldsOutsideTheSupportedPartAreRefusedByName() {
        String yaml = """
                route: { receiver: a }
                inhibit_rules: []
                receivers:
                  - name: a
                    pagerduty_configs: [{ routing_key: x }]
                """;

        assertThatThrownBy(() -> parse(yaml, null))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("top level: field 'inhibit_rules' is not supported by Hubwatch")
                .hasMessageContaining("receiver 'a': field 'pagerduty_configs' is not supported by Hubwatch");
    }

    @Test
    void groupWaitZeroIsAcceptedAsAlertmanagerDoesButGroupIntervalZeroIsNot() {
        String yaml = """
                route: { receiver: a, group_wait: 0s, group_interval: 0s }
                receivers:
                  - name: a
                    webhook_configs: [{ url: 'https://x.example.com/hook' }]
                """;

        assertThatThrownBy(() -> parse(yaml, null))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("field 'group_interval' must be more than 0")
                .hasMessageNotContaining("group_wait");
        assertThat(parse(yaml.replace("group_interval: 0s", "group_interval: 1s"), null).route().groupWait())
                .isEqualTo(java.time.Duration.ZERO);
    }

    @Test
    void aBadValueIsReportedWithItsRouteOrReceiverAndField() {
        String yaml = """
                route:
                  receiver: a
                  routes:
                    - receiver: missing
                      group_wait: soon
                receivers:
                  - name: a
                    webhook_configs: [{ url: 'ftp://x' }]
                """;

        assertThatThrownBy(() -> parse(yaml, null))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("route.routes[0] (receiver 'missing'): field 'receiver': 'missing' is not defined in 'receivers'")
                .hasMessageContaining("route.routes[0] (receiver 'missing'): field 'group_wait': 'soon' is not a duration")
                .hasMessageContaining("receiver 'a': webhook_configs[0]: field 'url': is not an http(s) URL");
    }

    @Test
    void aMissingEnvironmentVariableForASecretIsNamed() {
        String yaml = """
                route: { receiver: a }
                receivers:
                  - name: a
                    webhook_configs: [{ url: 'https://x.example.com/${HOOK_TOKEN}' }]
                """;

        assertThatThrownBy(() -> parse(yaml, null))
                .hasMessageContaining("receiver 'a': webhook_configs[0]: field 'url': environment variable HOOK_TOKEN is not set");
    }

    @Test
    void metadataAndLinkLocalWebhookTargetsAreRefusedAtLoad() {
        String yaml = """
                route: { receiver: a }
                receivers:
                  - name: a
                    webhook_configs:
                      - url: http://169.254.169.254/latest/meta-data/
                      - url: http://169.254.10.20:8080/hook
                      - url: http://127.0.0.1:9000/hook
                """;

        assertThatThrownBy(() -> parse(yaml, null))
                .isInstanceOf(NotifierConfigException.class)
                .hasMessageContaining("receiver 'a': webhook_configs[0]: field 'url': target 169.254.169.254 is a cloud metadata address; refused by the SSRF guard")
                .hasMessageContaining("receiver 'a': webhook_configs[1]: field 'url': target 169.254.10.20 is a link-local address; refused by the SSRF guard")
                .hasMessageContaining("webhook_configs[2]: field 'url': target 127.0.0.1 is a loopback address");
    }

    @Test
    void loopbackTargetsAreAllowedWhenTheConfigSaysSo() {
        String yaml = """
                hubwatch: { allow_loopback: true }
                route: { receiver: a }
                receivers:
                  - name: a
                    webhook_configs: [{ url: 'http://127.0.0.1:9000/hook' }]
                """;

        assertThat(parse(yaml, null).targets().allowLoopback()).isTrue();
    }

    @Test
    void theRootRouteMayNotHaveMatchers() {
        String yaml = """
                route: { receiver: a, matchers: ['x="y"'] }
                receivers: [{ name: a }]
                """;

        assertThatThrownBy(() -> parse(yaml, null)).hasMessageContaining("route: the root route must not have matchers");
    }

    @Test
    void hubwatchDeliverySettingsOverridePerReceiver() {
        String yaml = """
                hubwatch:
                  delivery: { timeout: 2s, max_attempts: 4 }
                  receivers:
                    a: { rate_per_second: 0.5 }
                  kafka: { incidents_topic: inc-x, dead_letter_topic: dl-x }
                route: { receiver: a }
                receivers: [{ name: a }, { name: b }]
                """;

        NotifierConfig config = parse(yaml, null);

        assertThat(config.deliveryFor("a").ratePerSecond()).isEqualTo(0.5);
        assertThat(config.deliveryFor("a").maxAttempts()).isEqualTo(4);
        assertThat(config.deliveryFor("b").timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.incidentsTopic()).isEqualTo("inc-x");
        assertThat(config.deadLetterTopic()).isEqualTo("dl-x");
    }
}

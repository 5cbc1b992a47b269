package io.hubwatch.notify.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.TestSend;
import io.hubwatch.notify.receiver.WebhookIntegration;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.hubwatch.notify.support.KafkaIo;
import io.hubwatch.notify.support.TestConfigs;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real Kafka, a real SMTP server (GreenMail) and a real local HTTP server playing Slack and the webhook receiver. */
@ExtendWith(KafkaBrokerExtension.class)
class NotifierDeliveryITCase {
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private static GreenMail smtp;
    private static HttpRecorder http;
    private static HttpRecorder failing;

    @BeforeAll
    static void servers() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.setUser("oncall@example.org", "hubwatch", TestConfigs.SMTP_PASSWORD);
        smtp.start();
        http = new HttpRecorder();
        failing = new HttpRecorder();
        failing.respondWith(500);
    }

    @AfterAll
    static void stopServers() {
        smtp.stop();
        http.close();
        failing.close();
    }

    /** One route with all three receivers' integrations; child routes for the always-failing and the PagerDuty receiver. */
    private static String config(String[] topics, String groupWait) {
        return TestConfigs.hubwatch(topics, TestConfigs.FAST_DELIVERY) + """
                route:
                  receiver: all
                  group_by: [alertname]
                  group_wait: %s
                  group_interval: 2s
                  repeat_interval: 1h
                  routes:
                    - matchers: ['alertname=~"broken_.*"']
                      receiver: broken
                    - matchers: ['alertname="cpu_pd"']
                      receiver: pager
                receivers:
                  - name: all
                    email_configs:
                      - to: oncall@example.org
                        from: hubwatch@example.org
                        smarthost: '127.0.0.1:%d'
                        require_tls: false
                        auth_username: hubwatch
                        auth_password: ${SMTP_PASSWORD}
                    slack_configs:
                      - api_url: '%s'
                        channel: '#ops'
                        send_resolved: true
                    webhook_configs:
                      - url: '%s'
                        hmac_secret: ${HOOK_HMAC}
                        send_resolved: true
                  - name: broken
                    webhook_configs:
                      - url: '%s'
                  - name: pager
                    webhook_configs:
                      - url: '%s'
                        payload: pagerduty
                        pagerduty_routing_key: R0UTINGKEY
                """.formatted(groupWait, smtp.getSmtp().getPort(), http.url("/slack/T000/B000/XXXX"),
                http.url("/hook"), failing.url("/broken"), http.url("/pagerduty/v2/enqueue"));
    }

    private static List<JsonNode> webhookBodies(String alertname) {
        List<JsonNode> out = new ArrayList<>();
        for (HttpRecorder.Request r : http.requests("/hook")) {
            JsonNode body = EventJson.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
            if (alertname.equals(body.path("commonLabels").path("alertname").asText())) {
                out.add(body);
            }
        }
        return out;
    }

    private static List<HttpRecorder.Request> slackMessages(String alertname) {
        return http.requests("/slack/T000/B000/XXXX").stream().filter(r -> r.body().contains(alertname)).toList();
    }

    private static List<MimeMessage> emails(String alertname) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (m.getSubject().contains(alertname)) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void oneFiringIncidentReachesEmailSlackAndWebhookOnceAndItsResolutionWhereSendResolvedIsOn(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "once");
        Incident firing = Incidents.firing("cpu_once", "web-1", Instant.now().minusSeconds(5));
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "1s")), kafka.bootstrapServers())) {
            KafkaIo.publish(kafka, topics[0], List.of(firing));
            await().atMost(WITHIN).until(() -> webhookBodies("cpu_once").size() == 1
                    && slackMessages("cpu_once").size() == 1 && emails("cpu_once").size() == 1);

            KafkaIo.publish(kafka, topics[0], List.of(Incidents.resolved(firing, Instant.now())));
            await().atMost(WITHIN).until(() -> webhookBodies("cpu_once").size() == 2 && slackMessages("cpu_once").size() == 2);
            Thread.sleep(4000); // two group intervals: nothing more may arrive

            assertThat(webhookBodies("cpu_once")).extracting(b -> b.get("status").asText()).containsExactly("firing", "resolved");
            assertThat(slackMessages("cpu_once")).hasSize(2);
            assertThat(emails("cpu_once")).hasSize(1); // email has send_resolved off (Alertmanager's default)
        }
    }

    @Test
    void theWebhookBodyIsTheAlertmanagerV4PayloadFieldForFieldAndItsSignatureVerifies(EmbeddedKafka kafka) {
        String[] topics = KafkaIo.topics(kafka, "v4");
        Incident firing = Incidents.firing("cpu_v4", "web-2", Instant.parse("2026-11-26T03:00:00Z"));
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "1s")), kafka.bootstrapServers())) {
            KafkaIo.publish(kafka, topics[0], List.of(firing));
            await().atMost(WITHIN).until(() -> webhookBodies("cpu_v4").size() == 1);
        }
        HttpRecorder.Request request = http.requests("/hook").stream().filter(r -> r.body().contains("cpu_v4")).findFirst().orElseThrow();
        JsonNode body = webhookBodies("cpu_v4").get(0);

        assertThat(fieldNames(body)).containsExactlyInAnyOrder("version", "groupKey", "truncatedAlerts", "status",
                "receiver", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts");
        assertThat(body.get("version").asText()).isEqualTo("4");
        assertThat(body.get("groupKey").asText()).isEqualTo("{}:{alertname=\"cpu_v4\"}");
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("receiver").asText()).isEqualTo("all");
        assertThat(body.get("groupLabels").toString()).isEqualTo("{\"alertname\":\"cpu_v4\"}");
        assertThat(body.get("commonLabels").get("host").asText()).isEqualTo("web-2");
        assertThat(body.get("commonAnnotations").get("summary").asText()).isEqualTo("cpu_usage >= 80 for 3s on web-2");
        assertThat(body.get("externalURL").asText()).isEqualTo("http://hubwatch.test:8080");
        JsonNode alert = body.get("alerts").get(0);
        assertThat(fieldNames(alert)).containsExactlyInAnyOrder("status", "labels", "annotations", "startsAt", "endsAt",
                "generatorURL", "fingerprint");
        assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-26T03:00:00Z");
        assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(alert.get("fingerprint").asText()).isEqualTo(firing.fingerprint());
        assertThat(alert.get("generatorURL").asText()).startsWith("http://hubwatch.test:8080/");
        assertThat(request.headers().get("X-Hubwatch-Signature-256")).isEqualTo("sha256="
                + WebhookIntegration.hmacSha256(TestConfigs.HMAC_SECRET, request.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(request.headers().get("Idempotency-Key")).hasSize(32);
    }

    @Test
    void aThousandHostsBreachingOneRuleWithinGroupWaitGiveOneNotificationPerReceiverListingAll(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "storm");
        Instant start = Instant.now();
        List<Incident> storm = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            storm.add(Incidents.firing("cpu_storm", "host-" + i, start));
        }
        // the storm is on the topic before the notifier starts (it reads from the earliest offset): how long publishing
        // 1,000 records takes on a loaded machine must not decide whether they fall into one group_wait
        KafkaIo.publish(kafka, topics[0], storm);
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "4s")), kafka.bootstrapServers())) {
            await().atMost(WITHIN).until(() -> webhookBodies("cpu_storm").size() == 1
                    && slackMessages("cpu_storm").size() == 1 && emails("cpu_storm").size() == 1);
            Thread.sleep(4000);
        }

        assertThat(webhookBodies("cpu_storm")).singleElement()
                .satisfies(b -> assertThat(b.get("alerts")).hasSize(1000));
        assertThat(slackMessages("cpu_storm")).singleElement()
                .satisfies(r -> assertThat(r.body()).contains("[FIRING:1000] cpu_storm", "1000 alerts in total; first 20 listed"));
        MimeMessage email = emails("cpu_storm").get(0);
        assertThat(emails("cpu_storm")).hasSize(1);
        assertThat(email.getSubject()).isEqualTo("[FIRING:1000] cpu_storm");
        assertThat(GreenMailUtil.getBody(email)).contains("1000 alerts in total; the first 50 are listed");
    }

    @Test
    void anEmailHasAPlainTextAndAnHtmlPartAndAnIdempotentMessageId(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "mail");
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "1s")), kafka.bootstrapServers())) {
            KafkaIo.publish(kafka, topics[0], List.of(Incidents.firing("cpu_mail", "db-1", Instant.now())));
            await().atMost(WITHIN).until(() -> emails("cpu_mail").size() == 1);
        }
        MimeMessage m = emails("cpu_mail").get(0);
        MimeMultipart parts = (MimeMultipart) m.getContent();

        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(m.getMessageID()).matches("<[0-9a-f]{32}@hubwatch>");
    }

    @Test
    void aReceiverThatAlwaysFailsEndsInTheDeadLetterTopicWithTheReasonAndIsCounted(EmbeddedKafka kafka) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "dlq");
        String metrics;
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "1s")), kafka.bootstrapServers())) {
            KafkaIo.publish(kafka, topics[0], List.of(Incidents.firing("broken_rule", "web-3", Instant.now())));
            List<DeadLetter> letters = KafkaIo.deadLetters(kafka, topics[1], 1, WITHIN);

            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.reason()).isEqualTo("receiver 'broken' webhook[0]: gave up after 3 attempts: HTTP 500 from 127.0.0.1: receiver says no");
                assertThat(l.sourceTopic()).isEqualTo(topics[0]);
                assertThat(l.payload()).contains("broken_rule", "web-3", "idempotencyKey").doesNotContain("/broken");
            });
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + notifier.httpAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            metrics = scrape.body();
        }
        assertThat(metrics).contains("hubwatch_notifier_dead_lettered_total{integration=\"webhook[0]\",receiver=\"broken\"} 1.0")
                .contains("hubwatch_notifier_retried_total{integration=\"webhook[0]\",receiver=\"broken\"} 2.0")
                .contains("hubwatch_notifier_failed_total{integration=\"webhook[0]\",receiver=\"broken\"} 3.0");
    }

    @Test
    void anUnreadableIncidentIsParkedInTheDeadLetterTopicWithTheReason(EmbeddedKafka kafka) {
        String[] topics = KafkaIo.topics(kafka, "invalid");
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "1s")), kafka.bootstrapServers())) {
            KafkaIo.publishRaw(kafka, topics[0], "{not json");
            List<DeadLetter> letters = KafkaIo.deadLetters(kafka, topics[1], 1, WITHIN);

            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.stage()).isEqualTo("notifier/parse");
                assertThat(l.reason()).startsWith("invalid incident:");
                assertThat(l.payload()).isEqualTo("{not json");
            });
        }
    }

    @Test
    void aTestSendDeliversThroughTheNamedReceiversAndReportsErrorsPerReceiver(EmbeddedKafka kafka) {
        String[] topics = KafkaIo.topics(kafka, "test-send");
        Map<String, String> result;
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "1s")), kafka.bootstrapServers())) {
            result = notifier.testSend().send("hello from the test", List.of("all", "broken", "nobody"));
        }

        assertThat(result.get("all")).isEqualTo(TestSend.DELIVERED);
        assertThat(result.get("broken")).isEqualTo("webhook[0]: HTTP 500 from 127.0.0.1: receiver says no");
        assertThat(result.get("nobody")).startsWith("unknown receiver 'nobody'");
        assertThat(http.requests("/hook")).anySatisfy(r -> assertThat(r.body()).contains("hello from the test"));
    }

    @Test
    void theWebhookReceiverInPagerDutyModeSendsEventsV2WithTheFingerprintAsDedupKey(EmbeddedKafka kafka) {
        String[] topics = KafkaIo.topics(kafka, "pd");
        Incident firing = Incidents.firing("cpu_pd", "web-9", Instant.now());
        try (Notifier notifier = Notifier.start(TestConfigs.parse(config(topics, "1s")), kafka.bootstrapServers())) {
            KafkaIo.publish(kafka, topics[0], List.of(firing));
            await().atMost(WITHIN).until(() -> !http.requests("/pagerduty/v2/enqueue").isEmpty());
        }
        JsonNode event = EventJson.read(http.requests("/pagerduty/v2/enqueue").get(0).body().getBytes(StandardCharsets.UTF_8),
                JsonNode.class);

        assertThat(event.get("routing_key").asText()).isEqualTo("R0UTINGKEY");
        assertThat(event.get("event_action").asText()).isEqualTo("trigger");
        assertThat(event.get("dedup_key").asText()).isEqualTo(firing.fingerprint());
        assertThat(event.at("/payload/summary").asText()).isEqualTo("cpu_usage >= 80 for 3s on web-9");
        assertThat(event.at("/payload/severity").asText()).isEqualTo("warning");
        assertThat(event.at("/payload/source").asText()).isEqualTo("web-9");
    }

    @Test
    void anEmailReceiverThatRequiresTlsRefusesAServerWithoutStarttls() {
        String yaml = """
                route: { receiver: mail }
                receivers:
                  - name: mail
                    email_configs: [{ to: a@example.org, from: b@example.org, smarthost: '127.0.0.1:%d' }]
                """.formatted(smtp.getSmtp().getPort());
        Map<String, String> result;
        try (TestSend send = TestSend.standalone(TestConfigs.parse(yaml))) {
            result = send.send("tls please", List.of("mail"));
        }

        assertThat(result.get("mail")).startsWith("email[0]: SMTP delivery via 127.0.0.1:").contains("STARTTLS");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @SuppressWarnings("unused")
    private static String show(String[] a) {
        return Arrays.toString(a);
    }
}

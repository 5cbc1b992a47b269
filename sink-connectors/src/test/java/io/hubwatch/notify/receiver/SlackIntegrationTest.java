package io.hubwatch.notify.receiver;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.config.HttpSettings;
import io.hubwatch.notify.config.Secret;
import io.hubwatch.notify.config.SlackConfig;
import io.hubwatch.notify.support.Incidents;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SlackIntegrationTest {
    private static final Instant T0 = Instant.parse("2026-11-26T03:00:00Z");
    private final SlackIntegration slack = new SlackIntegration("ops", 0,
            new SlackConfig(true, Secret.of("https://hooks.slack.com/services/x"), "#ops", "hubwatch", null, HttpSettings.NONE), null);

    private static Notification notification(List<Incident> alerts) {
        return new Notification("ops", "{}:{alertname=\"high_cpu\"}", Map.of("alertname", "high_cpu"), alerts, "k1",
                "https://hubwatch.example.org");
    }

    @Test
    void aFiringWarningIsOrangeWithTitleSummaryLinkAndLabels() {
        JsonNode msg = slack.message(notification(List.of(Incidents.firing("high_cpu", "web-1", T0))));
        JsonNode att = msg.get("attachments").get(0);

        assertThat(msg.get("channel").asText()).isEqualTo("#ops");
        assertThat(att.get("color").asText()).isEqualTo("#ff9f1c");
        assertThat(att.get("title").asText()).isEqualTo("[FIRING:1] high_cpu");
        assertThat(att.get("title_link").asText()).isEqualTo("https://hubwatch.example.org");
        // Slack shows &gt; as ">": alert text is escaped as Slack requires
        assertThat(att.get("text").asText()).contains("cpu_usage &gt;= 80 for 3s on web-1",
                "https://hubwatch.example.org/incidents?fingerprint=");
        assertThat(att.get("fields").toString()).contains("\"title\":\"host\",\"value\":\"web-1\"");
    }

    @Test
    void aResolvedGroupIsGreen() {
        Incident f = Incidents.firing("high_cpu", "web-1", T0);

        JsonNode msg = slack.message(notification(List.of(Incidents.resolved(f, T0.plusSeconds(60)))));

        assertThat(msg.at("/attachments/0/color").asText()).isEqualTo("#2eb886");
        assertThat(msg.at("/attachments/0/title").asText()).isEqualTo("[RESOLVED] high_cpu");
    }

    @Test
    void aLongGroupListsTheFirstTwentyAndStatesTheTotal() {
        List<Incident> many = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            many.add(Incidents.firing("high_cpu", "web-" + i, T0));
        }

        String text = slack.message(notification(many)).at("/attachments/0/text").asText();

        assertThat(text.lines().filter(l -> l.startsWith("• "))).hasSize(20);
        assertThat(text).endsWith("…and 25 more (45 alerts in total; first 20 listed)");
    }

    @Test
    void alertTextIsEscapedAsSlackRequiresSoItCannotMentionChannelsOrForgeLinks() {
        Incident hostile = Incidents.firing("high_cpu", "<!channel> & <https://evil.example|click>", T0);
        Notification n = new Notification("ops", "{}:{alertname=\"high_cpu\"}",
                Map.of("alertname", "high_cpu", "host", "<!here>"), List.of(hostile), "k1", "https://hubwatch.example.org");

        JsonNode att = slack.message(n).get("attachments").get(0);

        assertThat(att.get("text").asText())
                .contains("on &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; — <https://hubwatch.example.org/")
                .doesNotContain("<!channel>");
        assertThat(att.get("fields").toString()).contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;")
                .doesNotContain("<!channel>");
        assertThat(att.get("title").asText()).contains("&lt;!here&gt;").doesNotContain("<", ">");
    }
}

package io.hubwatch.notify.receiver;

import io.hubwatch.events.Incident;
import io.hubwatch.notify.config.EmailConfig;
import io.hubwatch.notify.support.Incidents;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class EmailIntegrationTest {
    private static final Instant T0 = Instant.parse("2026-11-26T03:00:00Z");

    @Test
    void alertTextWithLineBreaksCannotFoldTheSubjectIntoFurtherHeaders() throws Exception {
        String rule = "high_cpu\r\nBcc: victim@example.com\r\n\r\nforged body";
        Incident firing = Incidents.firing(rule, "web-1", T0);
        Notification n = new Notification("ops", "{}:{alertname}", Map.of("alertname", rule), List.of(firing), "k1",
                "https://hubwatch.example.org");
        EmailIntegration email = new EmailIntegration("ops", 0, new EmailConfig(false, List.of("oncall@example.org"),
                "hubwatch@example.org", "127.0.0.1:25", "localhost", null, null, false, Map.of("X-Team", "a\nB: c")));

        MimeMessage m = email.message(n, Session.getInstance(new Properties()));
        m.saveChanges();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);
        String headers = raw.toString(StandardCharsets.UTF_8).split("\r\n\r\n", 2)[0];

        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getHeader("B")).isNull();
        assertThat(m.getSubject()).isEqualTo("[FIRING:1] high_cpu  Bcc: victim@example.com    forged body");
        assertThat(headers).doesNotContainPattern("(?m)^Bcc:").doesNotContainPattern("(?m)^B:");
    }
}

package io.hubwatch.notify.receiver;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.notify.receiver.internal.SafeText;
import io.hubwatch.events.Labels;
import io.hubwatch.notify.config.EmailConfig;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Email through SMTP with jakarta.mail (Angus): STARTTLS (required unless {@code require_tls: false}), implicit TLS on
 * port 465, AUTH when a username is set; one message per group with a plain-text and an HTML part. The
 * {@code Message-ID} is derived from the idempotency key, so mail systems can drop a repeat.
 */
public final class EmailIntegration implements Integration {
    static final int MAX_LISTED = 50;

    private final String receiver;
    private final int index;
    private final EmailConfig config;

    public EmailIntegration(String receiver, int index, EmailConfig config) {
        this.receiver = receiver;
        this.index = index;
        this.config = config;
    }

    @Override
    public String receiver() {
        return receiver;
    }

    @Override
    public String name() {
        return "email[" + index + "]";
    }

    @Override
    public String kind() {
        return "email";
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    @Override
    public void send(Notification n, Duration timeout) throws DeliveryException {
        Properties p = new Properties();
        String t = String.valueOf(timeout.toMillis());
        p.put("mail.smtp.host", config.host());
        p.put("mail.smtp.port", String.valueOf(config.port()));
        p.put("mail.smtp.connectiontimeout", t);
        p.put("mail.smtp.timeout", t);
        p.put("mail.smtp.writetimeout", t);
        p.put("mail.smtp.localhost", config.hello());
        if (config.port() == 465) {
            p.put("mail.smtp.ssl.enable", "true");
        } else if (config.requireTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (config.authUsername() != null) {
            p.put("mail.smtp.auth", "true");
        }
        Session session = Session.getInstance(p);
        try {
            MimeMessage m = message(n, session);
            if (config.authUsername() != null) {
                Transport.send(m, config.authUsername(), config.authPassword().reveal());
            } else {
                Transport.send(m);
            }
        } catch (AuthenticationFailedException e) {
            throw new DeliveryException("SMTP authentication failed at " + config.smarthost() + " for user "
                    + config.authUsername(), true);
        } catch (MessagingException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
            String redacted = config.authPassword() == null ? msg : config.authPassword().redact(msg);
            throw new DeliveryException("SMTP delivery via " + config.smarthost() + " failed: " + redacted, true);
        }
    }

    /** The message as it is sent: every header value that carries alert text is one line. */
    MimeMessage message(Notification n, Session session) throws MessagingException {
        MimeMessage m = new IdempotentMessage(session, "<" + n.idempotencyKey() + "@hubwatch>");
        m.setFrom(new InternetAddress(config.from()));
        for (String to : config.to()) {
            m.addRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        }
        // alert text in a header is one line: CR/LF would fold it into further headers
        m.setSubject(SafeText.headerValue(config.headers().getOrDefault("Subject", n.title())), "UTF-8");
        for (var h : config.headers().entrySet()) {
            if (!h.getKey().equalsIgnoreCase("Subject")) {
                m.setHeader(h.getKey(), SafeText.headerValue(h.getValue()));
            }
        }
        m.setHeader("X-Hubwatch-Idempotency-Key", n.idempotencyKey());
        m.setSentDate(new Date());
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(plainText(n), StandardCharsets.UTF_8.name());
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(html(n), "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        return m;
    }

    static String plainText(Notification n) {
        StringBuilder sb = new StringBuilder(n.title()).append("\n\n");
        List<Incident> alerts = n.alerts();
        sb.append(n.firingCount()).append(" firing, ").append(n.resolvedCount()).append(" resolved")
                .append(alerts.size() > MAX_LISTED ? " (" + alerts.size() + " alerts in total; the first " + MAX_LISTED + " are listed)" : "")
                .append("\n\n");
        for (Incident i : alerts.subList(0, Math.min(MAX_LISTED, alerts.size()))) {
            sb.append(i.status() == IncidentStatus.FIRING ? "[firing] " : "[resolved] ")
                    .append(i.summary() == null ? "" : i.summary()).append('\n')
                    .append("  labels: ").append(Labels.render(Notification.labelsOf(i))).append('\n')
                    .append("  since: ").append(i.startsAt())
                    .append(i.endsAt() != null ? "  until: " + i.endsAt() : "").append('\n')
                    .append("  link: ").append(n.linkOf(i)).append("\n\n");
        }
        if (alerts.size() > MAX_LISTED) {
            sb.append("…and ").append(alerts.size() - MAX_LISTED).append(" more.\n\n");
        }
        sb.append("Group: ").append(n.groupKey()).append('\n')
                .append("Idempotency key: ").append(n.idempotencyKey()).append('\n');
        return sb.toString();
    }

    static String html(Notification n) {
        StringBuilder sb = new StringBuilder("<html><body><h2>").append(esc(n.title())).append("</h2><p>")
                .append(n.firingCount()).append(" firing, ").append(n.resolvedCount()).append(" resolved");
        if (n.alerts().size() > MAX_LISTED) {
            sb.append(" (").append(n.alerts().size()).append(" alerts in total; the first ").append(MAX_LISTED).append(" are listed)");
        }
        sb.append("</p><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>status</th><th>summary</th><th>labels</th><th>since</th></tr>");
        for (Incident i : n.alerts().subList(0, Math.min(MAX_LISTED, n.alerts().size()))) {
            sb.append("<tr><td>").append(i.status().wireName()).append("</td><td><a href=\"").append(esc(n.linkOf(i)))
                    .append("\">").append(esc(i.summary() == null ? "" : i.summary())).append("</a></td><td>")
                    .append(esc(Labels.render(Notification.labelsOf(i)))).append("</td><td>").append(i.startsAt())
                    .append("</td></tr>");
        }
        sb.append("</table>");
        if (n.alerts().size() > MAX_LISTED) {
            sb.append("<p>…and ").append(n.alerts().size() - MAX_LISTED).append(" more.</p>");
        }
        return sb.append("<p style=\"color:#888\">Group ").append(esc(n.groupKey())).append(" · idempotency key ")
                .append(esc(n.idempotencyKey())).append("</p></body></html>").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Keeps the Message-ID we set: jakarta.mail would otherwise replace it on send. */
    private static final class IdempotentMessage extends MimeMessage {
        private final String messageId;

        IdempotentMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}

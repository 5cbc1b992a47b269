package io.hubwatch.notify.receiver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Severity;
import io.hubwatch.notify.config.SlackConfig;
import io.hubwatch.notify.receiver.internal.HttpPoster;
import io.hubwatch.notify.receiver.internal.SafeText;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: one attachment coloured by severity (red critical, orange warning, blue info, green
 * resolved), a title linking to Hubwatch, the summaries of the first {@value #MAX_LISTED} alerts ("and N more" after
 * that), and the common labels as fields. Alert text is escaped as Slack requires ({@code & < >}), so a label cannot
 * mention {@code <!channel>} or forge a link.
 */
public final class SlackIntegration implements Integration {
    static final int MAX_LISTED = 20;

    private final String receiver;
    private final int index;
    private final SlackConfig config;
    private final HttpPoster poster;

    public SlackIntegration(String receiver, int index, SlackConfig config, HttpPoster poster) {
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
        return "slack[" + index + "]";
    }

    @Override
    public String kind() {
        return "slack";
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    @Override
    public void send(Notification n, Duration timeout) throws DeliveryException {
        Map<String, String> headers = new LinkedHashMap<>();
        config.http().headers().forEach((k, v) -> headers.put(k, v.reveal()));
        headers.put("Idempotency-Key", n.idempotencyKey());
        List<io.hubwatch.notify.config.Secret> secrets = new ArrayList<>(config.http().headers().values());
        secrets.add(config.apiUrl());
        poster.post(config.apiUrl(), headers, EventJson.toBytes(message(n)), timeout, secrets);
    }

    /** The Slack message body. */
    public ObjectNode message(Notification n) {
        ObjectNode root = EventJson.mapper().createObjectNode();
        if (config.channel() != null) {
            root.put("channel", config.channel());
        }
        if (config.username() != null) {
            root.put("username", config.username());
        }
        if (config.iconEmoji() != null) {
            root.put("icon_emoji", config.iconEmoji());
        }
        StringBuilder text = new StringBuilder();
        List<Incident> alerts = n.alerts();
        for (Incident i : alerts.subList(0, Math.min(MAX_LISTED, alerts.size()))) {
            text.append(i.status() == IncidentStatus.FIRING ? "• " : "✓ ")
                    .append(SafeText.slack(i.summary() == null ? io.hubwatch.events.Labels.render(Notification.labelsOf(i)) : i.summary()))
                    .append(" — <").append(n.linkOf(i)).append("|details>\n");
        }
        if (alerts.size() > MAX_LISTED) {
            text.append("…and ").append(alerts.size() - MAX_LISTED).append(" more (")
                    .append(alerts.size()).append(" alerts in total; first ").append(MAX_LISTED).append(" listed)\n");
        }
        ObjectNode att = root.putArray("attachments").addObject();
        att.put("color", color(n));
        att.put("title", SafeText.slack(n.title()));
        att.put("title_link", n.externalUrl());
        att.put("fallback", SafeText.slack(n.title()));
        att.put("text", text.toString().strip());
        ArrayNode fields = att.putArray("fields");
        n.commonLabels().forEach((k, v) -> fields.addObject().put("title", SafeText.slack(k)).put("value", SafeText.slack(v))
                .put("short", true));
        att.put("footer", "Hubwatch · idempotency key " + n.idempotencyKey());
        return root;
    }

    private static String color(Notification n) {
        if (n.status() == IncidentStatus.RESOLVED) {
            return "#2eb886";
        }
        Severity worst = n.alerts().stream().filter(a -> a.status() == IncidentStatus.FIRING && a.severity() != null)
                .map(Incident::severity).min(Enum::compareTo).orElse(Severity.WARNING);
        return switch (worst) {
            case CRITICAL -> "#d00000";
            case WARNING -> "#ff9f1c";
            case INFO -> "#439fe0";
        };
    }
}

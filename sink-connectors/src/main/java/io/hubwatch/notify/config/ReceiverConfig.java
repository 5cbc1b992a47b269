package io.hubwatch.notify.config;

import java.util.List;

/** One named {@code receivers} entry and its integrations; a receiver with none is a valid "drop" receiver. */
public record ReceiverConfig(String name, List<EmailConfig> emails, List<SlackConfig> slacks,
                             List<WebhookConfig> webhooks) {
    public ReceiverConfig {
        emails = List.copyOf(emails);
        slacks = List.copyOf(slacks);
        webhooks = List.copyOf(webhooks);
    }
}

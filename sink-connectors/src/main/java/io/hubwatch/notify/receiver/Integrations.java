package io.hubwatch.notify.receiver;

import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.config.ReceiverConfig;
import io.hubwatch.notify.receiver.internal.HttpPoster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds every receiver's integrations from the config. */
public final class Integrations {
    private Integrations() {}

    /** Receiver name to its integrations, in file order (emails, then Slack, then webhooks). */
    public static Map<String, List<Integration>> build(NotifierConfig config, HttpPoster poster) {
        Map<String, List<Integration>> out = new LinkedHashMap<>();
        for (ReceiverConfig r : config.receivers().values()) {
            List<Integration> list = new ArrayList<>();
            for (int i = 0; i < r.emails().size(); i++) {
                list.add(new EmailIntegration(r.name(), i, r.emails().get(i)));
            }
            for (int i = 0; i < r.slacks().size(); i++) {
                list.add(new SlackIntegration(r.name(), i, r.slacks().get(i), poster));
            }
            for (int i = 0; i < r.webhooks().size(); i++) {
                list.add(new WebhookIntegration(r.name(), i, r.webhooks().get(i), poster));
            }
            out.put(r.name(), List.copyOf(list));
        }
        return out;
    }
}

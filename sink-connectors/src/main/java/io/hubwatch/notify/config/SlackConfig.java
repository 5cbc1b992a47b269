package io.hubwatch.notify.config;

/**
 * One {@code slack_configs} entry: an incoming webhook.
 *
 * @param apiUrl   the incoming-webhook URL (a secret: it is the credential)
 * @param channel  optional channel override; null to use the webhook's own
 * @param username optional sender name; null for the webhook's default
 */
public record SlackConfig(boolean sendResolved, Secret apiUrl, String channel, String username, String iconEmoji,
                          HttpSettings http) {}

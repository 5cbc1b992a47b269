package io.hubwatch.notify.config;

import java.util.List;
import java.util.Map;

/**
 * One {@code email_configs} entry, with the {@code global.smtp_*} defaults already applied.
 *
 * @param to           recipients (comma-separated in the file, as in Alertmanager)
 * @param smarthost    {@code host:port} of the SMTP server; port 465 means implicit TLS
 * @param hello        the name sent in EHLO
 * @param authUsername null for no authentication
 * @param authPassword null for no authentication
 * @param requireTls   STARTTLS is required (Alertmanager's default: true)
 * @param headers      extra headers; {@code Subject} replaces the generated subject
 */
public record EmailConfig(boolean sendResolved, List<String> to, String from, String smarthost, String hello,
                          String authUsername, Secret authPassword, boolean requireTls, Map<String, String> headers) {

    public String host() {
        return smarthost.substring(0, smarthost.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(smarthost.substring(smarthost.lastIndexOf(':') + 1));
    }
}

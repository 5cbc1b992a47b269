package io.hubwatch.notify.config;

import java.util.List;

/**
 * Which HTTP targets webhook and Slack receivers may reach (the SSRF guard). Link-local and cloud-metadata addresses
 * are always refused; loopback only with {@code allow_loopback: true}; with a non-empty allow-list, only hosts that
 * match an entry (a host name, {@code *.domain}, or a CIDR block) are reached.
 */
public record TargetPolicy(boolean allowLoopback, List<String> allowedTargets) {
    public static final TargetPolicy DEFAULT = new TargetPolicy(false, List.of());

    public TargetPolicy {
        allowedTargets = List.copyOf(allowedTargets);
    }
}

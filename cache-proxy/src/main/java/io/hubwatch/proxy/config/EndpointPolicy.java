package io.hubwatch.proxy.config;

import io.hubwatch.proxy.strategy.Freshness;
import java.time.Duration;
import java.util.List;

/**
 * How one endpoint (a path prefix) is cached.
 *
 * <pre>{@code
 * new EndpointPolicy("/api/v1/stats", Duration.ofSeconds(60), true, Duration.ZERO, Duration.ofMinutes(5), true, List.of())
 * }</pre>
 *
 * @param path                 normalized path; it also matches its sub-paths ({@code /a} matches {@code /a/b})
 * @param ttl                  how long a stored response is fresh
 * @param varyByUser           whether the user identity joins the key (each user gets their own entries)
 * @param staleWhileRevalidate how long past the TTL a stale copy is served while it is refreshed in the background
 * @param staleIfError         how long past the TTL a stale copy is served when the upstream fails
 * @param refreshAhead         whether hot entries are refreshed before they expire
 * @param tags                 tags every entry of this endpoint carries (for purge by tag)
 */
public record EndpointPolicy(String path, Duration ttl, boolean varyByUser, Duration staleWhileRevalidate,
                             Duration staleIfError, boolean refreshAhead, List<String> tags) {

    public EndpointPolicy {
        tags = List.copyOf(tags);
    }

    public Freshness freshness() {
        return new Freshness(ttl, staleWhileRevalidate, staleIfError);
    }
}

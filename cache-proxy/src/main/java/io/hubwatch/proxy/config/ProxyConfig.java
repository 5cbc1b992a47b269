package io.hubwatch.proxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The proxy's configuration, parsed and checked once by {@link ProxyConfigLoader}.
 *
 * <pre>{@code
 * ProxyConfig config = ProxyConfigLoader.load(Path.of("proxy.yaml"));
 * ProxyConfig defaults = ProxyConfig.defaults();   // listen 127.0.0.1:8080, upstream 127.0.0.1:9000, the three hub endpoints
 * }</pre>
 *
 * @param listenHost             address the proxy binds
 * @param listenPort             port the proxy binds (0 picks a free one)
 * @param upstream               the one upstream, {@code http://host:port}
 * @param redis                  L2 Redis URI, or null for no L2
 * @param redisKeyPrefix         prefix of every Redis key and the invalidation channel (lets instances share or not)
 * @param redisTimeout           per-command Redis timeout; past it the request goes on without L2
 * @param userHeader             request header carrying the user identity; {@code Authorization: Bearer} is the fallback
 * @param endpoints              cached endpoints by path, longest prefix wins; everything else passes through
 * @param l1MaxBytes             L1 bound in bytes (bodies in all stored encodings plus headers)
 * @param maxEntryBytes          responses larger than this pass through unstored
 * @param compressMinBytes       bodies at least this large are stored gzip- and brotli-compressed too
 * @param maxUpstreamConcurrency upstream requests in flight at most
 * @param upstreamQueue          requests waiting for an upstream slot at most; past it: 503 with Retry-After
 * @param upstreamTimeout        an upstream response must start within this
 * @param eventLoops             Vert.x event loops (server verticles)
 * @param writeBehindDelay       L2 writes are buffered this long and written in batches
 * @param refreshAheadAt         fraction of the TTL at which hot entries are refreshed
 * @param refreshAheadJitter     how much earlier (fraction of the TTL) the refresh may start
 * @param warmupPaths            paths fetched on start (default: the endpoints not varied by user)
 * @param hotKeysFile            where the hottest keys are recorded for the next run's warm-up, or null
 * @param hotKeys                how many hot keys are recorded
 * @param adminToken             the bearer token of the admin routes (purge, stats, metrics, advice, profile); null
 *                               draws one at start and writes it to {@code adminTokenFile}
 * @param identityHeaders        request headers that identify a caller besides Authorization and Cookie (the user
 *                               header included); a request with any of them is credentialed
 * @param identitySecret         secret the identities are hashed with; null draws one per process
 * @param adminListen            {@code host:port} of a separate admin listener, or null: admin routes on the main one
 * @param adminTokenFile         where a drawn admin token is written (owner-readable only)
 * @param invalidateOnUnsafe     whether a successful unsafe request (POST, PUT, ...) drops the stored responses of
 *                               its own target (RFC 9111 4.4); off by default: only explicit purges purge
 */
public record ProxyConfig(String listenHost, int listenPort, URI upstream, URI redis, String redisKeyPrefix,
                          Duration redisTimeout, String userHeader, Map<String, EndpointPolicy> endpoints,
                          long l1MaxBytes, long maxEntryBytes, int compressMinBytes, int maxUpstreamConcurrency,
                          int upstreamQueue, Duration upstreamTimeout, int eventLoops, Duration writeBehindDelay,
                          double refreshAheadAt, double refreshAheadJitter, List<String> warmupPaths,
                          Path hotKeysFile, int hotKeys, String adminToken, List<String> identityHeaders,
                          String identitySecret, String adminListen, Path adminTokenFile,
                          boolean invalidateOnUnsafe) {

    public ProxyConfig {
        endpoints = Map.copyOf(endpoints);
        warmupPaths = List.copyOf(warmupPaths);
        identityHeaders = List.copyOf(identityHeaders);
    }

    /** A URI without its user-info (a Redis password lives there): for logs, start lines and messages. */
    public static String redacted(URI uri) {
        if (uri == null) {
            return "none";
        }
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Secrets (admin token, identity secret, passwords in URIs) are never part of the text. */
    @Override
    public String toString() {
        return "ProxyConfig[listen=" + listenHost + ":" + listenPort + ", upstream=" + redacted(upstream)
                + ", redis=" + redacted(redis) + ", redisKeyPrefix=" + redisKeyPrefix + ", endpoints="
                + endpoints.keySet() + ", identityHeaders=" + identityHeaders + ", adminListen=" + adminListen
                + ", adminToken=" + (adminToken == null ? "drawn at start" : "***") + ", identitySecret="
                + (identitySecret == null ? "drawn at start" : "***") + "]";
    }

    /** The defaults of the issue: the hub's three read endpoints on 127.0.0.1. */
    public static ProxyConfig defaults() {
        return ProxyConfigLoader.fromMap(Map.of(), "defaults");
    }

    public ProxyConfig withListenPort(int port) {
        return new ProxyConfig(listenHost, port, upstream, redis, redisKeyPrefix, redisTimeout, userHeader, endpoints,
                l1MaxBytes, maxEntryBytes, compressMinBytes, maxUpstreamConcurrency, upstreamQueue, upstreamTimeout,
                eventLoops, writeBehindDelay, refreshAheadAt, refreshAheadJitter, warmupPaths, hotKeysFile, hotKeys,
                adminToken, identityHeaders, identitySecret, adminListen, adminTokenFile, invalidateOnUnsafe);
    }
}

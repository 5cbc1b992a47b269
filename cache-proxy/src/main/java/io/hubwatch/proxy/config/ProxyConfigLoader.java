package io.hubwatch.proxy.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hubwatch.events.Durations;
import io.hubwatch.proxy.cache.CacheKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the proxy's YAML configuration into a checked {@link ProxyConfig}; every bad value is reported with the file
 * and field it is in.
 *
 * <pre>{@code
 * listen: 127.0.0.1:8080
 * upstream: http://127.0.0.1:9000
 * redis: redis://127.0.0.1:6379        # "none" for L1 only
 * user_header: X-User-Id              # a credential like Authorization and Cookie (see identity_headers)
 * identity_headers: [X-Api-Key]       # more headers that identify a caller
 * identity_secret: ...                 # HMAC secret of the identity hashes; shared by instances sharing Redis
 * admin_token: ...                     # bearer token of /_proxy/*; drawn and written to admin_token_file if unset
 * admin_listen: 127.0.0.1:8081         # optional: admin routes on their own listener only
 * endpoints:
 *   /api/v1/models: {ttl: 300s, vary_by_user: false}
 *   /api/v1/stats:  {ttl: 60s,  vary_by_user: true, stale_if_error: 5m, stale_while_revalidate: 5s}
 * warmup:                              # defaults: the endpoints not varied by user, and the recorded hot keys
 *   paths: [/api/v1/models]
 *   hot_keys_file: .hubwatch/proxy-hot-keys.txt   # "" to record none
 * }</pre>
 */
public final class ProxyConfigLoader {

    private static final Set<String> TOP_KEYS = Set.of("listen", "upstream", "redis", "redis_key_prefix",
            "redis_timeout", "user_header", "endpoints", "l1_max_bytes", "max_entry_bytes", "compress_min_bytes",
            "max_upstream_concurrency", "upstream_queue", "upstream_timeout", "event_loops", "write_behind_delay",
            "refresh_ahead_at", "refresh_ahead_jitter", "warmup", "admin_token", "admin_listen",
            "admin_token_file", "identity_headers", "identity_secret", "invalidate_on_unsafe",
            "postgres"); // postgres: is the PostgreSQL proxy's section, read by the db-proxy module
    private static final Set<String> ENDPOINT_KEYS = Set.of("ttl", "vary_by_user", "stale_while_revalidate",
            "stale_if_error", "refresh_ahead", "tags");
    private static final Set<String> WARMUP_KEYS = Set.of("paths", "hot_keys_file", "hot_keys");

    private ProxyConfigLoader() {
    }

    public static ProxyConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("proxy config " + file + " does not exist or is not a file");
        }
        Object tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException("proxy config " + file + " is not valid YAML: " + reason);
        }
        if (tree == null) {
            tree = Map.of();
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new ConfigException("proxy config " + file + " must be a YAML mapping at the top level");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) map;
        return fromMap(m, file.toString());
    }

    /** Builds a config from an already-parsed mapping; {@code source} names it in error messages. */
    public static ProxyConfig fromMap(Map<String, Object> m, String source) {
        Fields f = new Fields(source, "");
        f.checkKnown(m, TOP_KEYS);

        String listen = f.string(m, "listen", "127.0.0.1:8080");
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw f.bad("listen", listen, "expected host:port, e.g. 127.0.0.1:8080");
        }
        String host = listen.substring(0, colon);
        int port = f.port("listen", listen.substring(colon + 1), listen);

        URI upstream = f.uri(m, "upstream", "http://127.0.0.1:9000", Set.of("http", "https"));
        String redisText = f.string(m, "redis", "redis://127.0.0.1:6379");
        URI redis = redisText.equalsIgnoreCase("none") || redisText.isBlank() ? null
                : f.uri(Map.of("redis", redisText), "redis", null, Set.of("redis", "rediss"));

        Map<String, EndpointPolicy> endpoints = new LinkedHashMap<>();
        Object eps = m.get("endpoints");
        if (eps == null) {
            endpoints.put("/api/v1/models", endpoint("/api/v1/models", Duration.ofSeconds(300), false));
            endpoints.put("/api/v1/stats", endpoint("/api/v1/stats", Duration.ofSeconds(60), true));
            endpoints.put("/api/v1/config", endpoint("/api/v1/config", Duration.ofSeconds(600), true));
        } else if (!(eps instanceof Map<?, ?> epMap)) {
            throw f.bad("endpoints", eps, "expected a mapping of path to {ttl, vary_by_user}");
        } else {
            for (Map.Entry<?, ?> e : epMap.entrySet()) {
                String path = String.valueOf(e.getKey());
                if (!path.startsWith("/")) {
                    throw f.bad("endpoints", path, "an endpoint path must start with /");
                }
                Fields ef = new Fields(source, "endpoints." + path + ".");
                Map<String, Object> body = ef.mapping(e.getValue(), "endpoints." + path);
                ef.checkKnown(body, ENDPOINT_KEYS);
                String normalized = CacheKeys.normalizePath(path);
                Duration ttl = ef.duration(body, "ttl", Duration.ofSeconds(60));
                if (ttl.isZero()) {
                    throw ef.bad("ttl", body.get("ttl"), "ttl must be positive");
                }
                endpoints.put(normalized, new EndpointPolicy(normalized, ttl,
                        ef.bool(body, "vary_by_user", false),
                        ef.duration(body, "stale_while_revalidate", Duration.ZERO),
                        ef.duration(body, "stale_if_error", Duration.ofMinutes(5)),
                        ef.bool(body, "refresh_ahead", true),
                        ef.strings(body, "tags")));
            }
        }

        Fields wf = new Fields(source, "warmup.");
        Map<String, Object> warm = m.get("warmup") == null ? Map.of() : f.mapping(m.get("warmup"), "warmup");
        wf.checkKnown(warm, WARMUP_KEYS);
        List<String> warmPaths = warm.containsKey("paths") ? wf.strings(warm, "paths")
                : endpoints.values().stream().filter(p -> !p.varyByUser()).map(EndpointPolicy::path).toList();
        for (String p : warmPaths) {
            if (!p.startsWith("/")) {
                throw wf.bad("paths", p, "a warm-up path must start with /");
            }
        }
        String hotFile = wf.string(warm, "hot_keys_file", ".hubwatch/proxy-hot-keys.txt");

        double at = f.number(m, "refresh_ahead_at", 0.8);
        double jitter = f.number(m, "refresh_ahead_jitter", 0.1);
        if (!(at > 0 && at <= 1)) {
            throw f.bad("refresh_ahead_at", at, "must be in (0, 1]");
        }
        if (!(jitter >= 0 && jitter < at)) {
            throw f.bad("refresh_ahead_jitter", jitter, "must be at least 0 and below refresh_ahead_at");
        }
        String token = f.string(m, "admin_token", "");
        String userHeader = f.string(m, "user_header", "X-User-Id");
        List<String> identityHeaders = new ArrayList<>();
        for (String h : f.strings(m, "identity_headers")) {
            if (!h.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw f.bad("identity_headers", h, "not a header name");
            }
            identityHeaders.add(h);
        }
        if (!userHeader.isBlank() && identityHeaders.stream().noneMatch(userHeader::equalsIgnoreCase)) {
            identityHeaders.add(userHeader);
        }
        String adminListen = f.string(m, "admin_listen", "");
        if (!adminListen.isBlank()) {
            int c = adminListen.lastIndexOf(':');
            if (c <= 0) {
                throw f.bad("admin_listen", adminListen, "expected host:port, e.g. 127.0.0.1:8081");
            }
            f.port("admin_listen", adminListen.substring(c + 1), adminListen);
        }
        String secret = f.string(m, "identity_secret", "");
        return new ProxyConfig(host, port, upstream, redis,
                f.string(m, "redis_key_prefix", "hubwatch:proxy:"),
                f.duration(m, "redis_timeout", Duration.ofMillis(250)),
                userHeader,
                endpoints,
                f.bytes(m, "l1_max_bytes", 256L << 20),
                f.bytes(m, "max_entry_bytes", 8L << 20),
                (int) f.bytes(m, "compress_min_bytes", 1024),
                f.positiveInt(m, "max_upstream_concurrency", 256),
                f.positiveInt(m, "upstream_queue", 2048),
                f.duration(m, "upstream_timeout", Duration.ofSeconds(10)),
                f.positiveInt(m, "event_loops", Runtime.getRuntime().availableProcessors()),
                f.duration(m, "write_behind_delay", Duration.ofMillis(10)),
                at, jitter, warmPaths,
                hotFile.isBlank() ? null : Path.of(hotFile),
                f.positiveInt(warm.isEmpty() ? Map.of() : warm, "hot_keys", 100),
                token.isBlank() ? null : token, identityHeaders, secret.isBlank() ? null : secret,
                adminListen.isBlank() ? null : adminListen,
                Path.of(f.string(m, "admin_token_file", ".hubwatch/proxy-admin-token")),
                f.bool(m, "invalidate_on_unsafe", false));
    }

    private static EndpointPolicy endpoint(String path, Duration ttl, boolean varyByUser) {
        return new EndpointPolicy(path, ttl, varyByUser, Duration.ZERO, Duration.ofMinutes(5), true, List.of());
    }

    /** Typed reads of one mapping, with messages naming source and field. */
    private record Fields(String source, String prefix) {

        ConfigException bad(String key, Object value, String why) {
            return new ConfigException(source + ": " + prefix + key + " = '" + value + "': " + why);
        }

        void checkKnown(Map<String, Object> m, Set<String> known) {
            for (String k : m.keySet()) {
                if (!known.contains(k)) {
                    throw new ConfigException(source + ": unknown setting '" + prefix + k + "' (known: "
                            + known.stream().sorted().toList() + ")");
                }
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> mapping(Object v, String where) {
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?>)) {
                throw new ConfigException(source + ": " + where + " = '" + v + "': expected a mapping");
            }
            return (Map<String, Object>) v;
        }

        String string(Map<String, Object> m, String key, String dflt) {
            Object v = m.get(key);
            return v == null ? dflt : String.valueOf(v).trim();
        }

        boolean bool(Map<String, Object> m, String key, boolean dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw bad(key, v, "expected true or false");
        }

        double number(Map<String, Object> m, String key, double dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw bad(key, v, "expected a number");
        }

        int positiveInt(Map<String, Object> m, String key, int dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Integer i && i > 0) {
                return i;
            }
            throw bad(key, v, "expected a positive whole number");
        }

        int port(String key, String text, Object whole) {
            try {
                int p = Integer.parseInt(text);
                if (p >= 0 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(key, whole, "port must be a number from 0 to 65535");
        }

        URI uri(Map<String, Object> m, String key, String dflt, Set<String> schemes) {
            String text = string(m, key, dflt);
            URI uri;
            // the value may carry a password: messages show it without its user-info
            String shown = text.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^@/]*@", "$1***@");
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw bad(key, shown, "not a URI");
            }
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                throw bad(key, shown, "expected " + schemes.stream().sorted().toList() + "://host:port");
            }
            return uri;
        }

        List<String> strings(Map<String, Object> m, String key) {
            Object v = m.get(key);
            if (v == null) {
                return List.of();
            }
            if (v instanceof List<?> list) {
                List<String> out = new ArrayList<>();
                for (Object o : list) {
                    out.add(String.valueOf(o));
                }
                return out;
            }
            throw bad(key, v, "expected a list");
        }

        Duration duration(Map<String, Object> m, String key, Duration dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            try {
                return Durations.parse(String.valueOf(v)); // the grammar of every duration Hubwatch reads
            } catch (IllegalArgumentException e) {
                throw bad(key, v, e.getMessage()); // names the text and the accepted forms, or the limit
            }
        }

        long bytes(Map<String, Object> m, String key, long dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Number n && n.longValue() >= 0) {
                return n.longValue();
            }
            String t = String.valueOf(v).trim().toUpperCase(Locale.ROOT).replace("IB", "B");
            long mult = 1;
            if (t.endsWith("KB")) {
                mult = 1L << 10;
            } else if (t.endsWith("MB")) {
                mult = 1L << 20;
            } else if (t.endsWith("GB")) {
                mult = 1L << 30;
            }
            String num = t.replaceAll("[KMG]?B$", "").trim();
            try {
                long n = Long.parseLong(num);
                if (n >= 0) {
                    return n * mult;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(key, v, "expected a size like 256MB, 64KB or 1024");
        }
    }
}

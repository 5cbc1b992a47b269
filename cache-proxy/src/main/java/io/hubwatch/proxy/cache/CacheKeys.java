package io.hubwatch.proxy.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds cache keys: {@code GET /normalized/path?sorted=query[|u=<user hash>][|v=<vary values>]}. HEAD is keyed as
 * GET (a HEAD is answered from the stored GET). User identities are hashed, so no raw id or token lands in Redis.
 *
 * <pre>{@code
 * CacheKeys.base("/api//v1/stats/", "b=2&a=1")      // "GET /api/v1/stats?a=1&b=2"
 * CacheKeys.withUser(base, CacheKeys.userHash("alice"))
 * }</pre>
 */
public final class CacheKeys {

    /** Separates the parts of a key that follow the request target. */
    public static final String USER_MARK = "|u=";
    public static final String VARY_MARK = "|v=";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private CacheKeys() {
    }

    /** The key of a request target without user or vary parts. */
    public static String base(String normalizedPath, String query) {
        String q = sortQuery(query);
        return q.isEmpty() ? "GET " + normalizedPath : "GET " + normalizedPath + "?" + q;
    }

    public static String withUser(String base, String userHash) {
        return base + USER_MARK + userHash;
    }

    /** The request target ({@code /path?query}) part of a key, without the method. */
    public static String target(String key) {
        int end = key.indexOf('|');
        return end < 0 ? key.substring(4) : key.substring(4, end);
    }

    public static boolean isPerUser(String key) {
        return key.contains(USER_MARK);
    }

    /** Whether a key's path starts with a path prefix (for purge by endpoint prefix). */
    public static boolean pathStartsWith(String key, String pathPrefix) {
        return key.startsWith(pathPrefix, 4);
    }

    /**
     * Decodes percent-encoded unreserved characters and upper-cases the other escapes (RFC 3986 6.2.2), collapses
     * repeated slashes, drops {@code .} segments, resolves {@code ..} and drops a trailing slash, so
     * {@code /api//v1/./models/}, {@code /api/v1/%6dodels} and {@code /api/v1/models} share one entry and one
     * endpoint, and {@code /a/%2e%2e/b} is {@code /b} as the upstream would read it. A {@code |} (the key's separator)
     * is escaped. Fast path: an already normal path is returned as is without allocating.
     */
    public static String normalizePath(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        if (isNormal(path)) {
            return path;
        }
        if (path.indexOf('%') >= 0 || path.indexOf('|') >= 0) {
            path = decodeUnreserved(path);
        }
        String[] parts = path.split("/");
        String[] out = new String[parts.length];
        int n = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (n > 0) {
                    n--;
                }
                continue;
            }
            out[n++] = p;
        }
        if (n == 0) {
            return "/";
        }
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) {
            sb.append('/').append(out[i]);
        }
        return sb.toString();
    }

    private static String decodeUnreserved(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '|') {
                sb.append("%7C");
            } else if (c == '%' && i + 2 < path.length() && hex(path.charAt(i + 1)) >= 0
                    && hex(path.charAt(i + 2)) >= 0) {
                char d = (char) (hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2)));
                if (Character.isLetterOrDigit(d) && d < 128 || d == '-' || d == '.' || d == '_' || d == '~') {
                    sb.append(d);
                } else {
                    sb.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                            .append(Character.toUpperCase(path.charAt(i + 2)));
                }
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static boolean isNormal(String path) {
        int len = path.length();
        if (path.charAt(0) != '/' || (len > 1 && path.charAt(len - 1) == '/')) {
            return false;
        }
        for (int i = 1; i < len; i++) {
            char c = path.charAt(i);
            if (c == '%' || c == '|') {
                return false;
            }
            if (c == '/' && path.charAt(i - 1) == '/') {
                return false;
            }
            if (c == '.' && path.charAt(i - 1) == '/') {
                // "/." starts a dot segment only if followed by '/', end, or ".", then '/' or end
                int next = i + 1;
                if (next == len || path.charAt(next) == '/') {
                    return false;
                }
                if (path.charAt(next) == '.' && (next + 1 == len || path.charAt(next + 1) == '/')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Sorts query parameters (stable for equal names), drops empty ones; {@code null} becomes empty. */
    public static String sortQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        if (query.indexOf('|') >= 0) {
            // the key's separator: escaped so no query can forge a key's user or vary part
            query = query.replace("|", "%7C");
        }
        if (query.indexOf('&') < 0) {
            return query;
        }
        String[] parts = query.split("&");
        Arrays.sort(parts);
        StringBuilder sb = new StringBuilder(query.length());
        for (String p : parts) {
            if (p.isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(p);
        }
        return sb.toString();
    }

    /** A stable 128-bit hex hash of a user identity (header value or bearer token). */
    public static String userHash(String identity) {
        MessageDigest md = SHA256.get();
        byte[] digest = md.digest(identity.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }
}

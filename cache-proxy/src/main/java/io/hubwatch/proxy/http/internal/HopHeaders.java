package io.hubwatch.proxy.http.internal;

import java.util.Locale;
import java.util.Set;

/** Header names a proxy must not forward (RFC 9110 7.6.1) or that the cache sets itself. */
public final class HopHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    /** Not stored with a cached response: recomputed per hit or per stored encoding. */
    private static final Set<String> NOT_STORED = Set.of("content-length", "content-encoding", "etag", "vary", "age",
            "x-cache", "set-cookie");

    private HopHeaders() {
    }

    public static boolean isHopByHop(String name) {
        return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
    }

    public static boolean isStored(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(n) && !NOT_STORED.contains(n);
    }
}

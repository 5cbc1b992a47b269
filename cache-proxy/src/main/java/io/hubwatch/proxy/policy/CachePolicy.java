package io.hubwatch.proxy.policy;

import io.vertx.core.MultiMap;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether and how a response may be stored and reused, per RFC 9111, as a pure function of the request's facts, the
 * status and the response headers. The proxy is a shared cache; on an endpoint configured {@code vary_by_user} an
 * entry keyed by a credentialed request's identity is that user's own, which is why {@code private} responses may be
 * kept there and nowhere else.
 *
 * <pre>{@code
 * CachePolicy.Request req = new CachePolicy.Request(false, false, 60_000, CacheControl.NONE, now);
 * CachePolicy.Decision d = CachePolicy.decide(req, 200, responseHeaders);
 * if (d.store() != CachePolicy.Store.NO) cache(d.ttlMillis(), d.vary());
 * CachePolicy.Lookup l = CachePolicy.lookup(CacheControl.parse(request.headers().getAll("Cache-Control")), pragma);
 * }</pre>
 */
public final class CachePolicy {

    /** Where a response may be kept. */
    public enum Store {
        /** not stored anywhere */
        NO,
        /** under the shared key (anonymous requests of any endpoint) */
        SHARED,
        /** under the requesting identity's key only */
        PER_USER
    }

    /**
     * The facts of the request a response answers.
     *
     * @param perUserEndpoint whether the endpoint is configured {@code vary_by_user}
     * @param credentialed    whether the request carried credentials (Authorization, Cookie, an identity header)
     * @param ttlMillis       the endpoint's configured TTL: the longest an entry is fresh
     * @param cacheControl    the request's Cache-Control directives
     * @param nowMillis       when the response was received (for an {@code Expires} without a {@code Date})
     */
    public record Request(boolean perUserEndpoint, boolean credentialed, long ttlMillis, CacheControl cacheControl,
                          long nowMillis) {
        /** Whether a response would be kept under the requester's identity. */
        public boolean perUser() {
            return perUserEndpoint && credentialed;
        }
    }

    /**
     * The verdict on one response.
     *
     * @param store            where it may be kept
     * @param ttlMillis        its freshness lifetime when stored: the endpoint TTL capped by the upstream's
     * @param shareWithWaiters whether concurrent requests for the same key coalesced behind this one may receive it
     * @param vary             request header names (lower case, without accept-encoding) that select this response
     * @param reason           why it is not stored, or "stored"
     */
    public record Decision(Store store, long ttlMillis, boolean shareWithWaiters, List<String> vary, String reason) {
        public boolean stored() {
            return store != Store.NO;
        }
    }

    /**
     * What a request allows the cache to answer with.
     *
     * @param useStored      false when the request demands a response from the origin ({@code no-cache})
     * @param maxAgeMillis   a stored response older than this is not used; -1 for no limit
     * @param minFreshMillis a stored response must stay fresh at least this long; -1 for no limit
     * @param onlyIfCached   the request wants a stored response or 504, never the origin
     * @param mayStore       false when the request says {@code no-store}
     */
    public record Lookup(boolean useStored, long maxAgeMillis, long minFreshMillis, boolean onlyIfCached,
                         boolean mayStore) {
        /** A request without Cache-Control or Pragma. */
        public static final Lookup DEFAULT = new Lookup(true, -1, -1, false, true);

        /** Whether a stored response of this age and lifetime may answer the request fresh. */
        public boolean acceptsFresh(long ageMillis, long ttlMillis) {
            return useStored && ageMillis < ttlMillis && (maxAgeMillis < 0 || ageMillis <= maxAgeMillis)
                    && (minFreshMillis < 0 || ttlMillis - ageMillis >= minFreshMillis);
        }

        /** Whether the request tolerates a stale copy (served only inside the endpoint's stale windows). */
        public boolean acceptsStale() {
            return useStored && maxAgeMillis < 0 && minFreshMillis < 0;
        }
    }

    private static final List<Integer> STORABLE = List.of(200, 203, 204);

    private CachePolicy() {
    }

    /** Reads the request's Cache-Control lines (and {@code Pragma: no-cache} when there are none, RFC 9111 5.4). */
    public static Lookup lookup(CacheControl cc, String pragma) {
        if (cc.isEmpty()) {
            boolean pragmaNoCache = pragma != null && pragma.toLowerCase(Locale.ROOT).contains("no-cache");
            return pragmaNoCache ? new Lookup(false, -1, -1, false, true) : Lookup.DEFAULT;
        }
        long maxAge = cc.seconds("max-age");
        long minFresh = cc.seconds("min-fresh");
        boolean useStored = !cc.has("no-cache") && maxAge != 0;
        return new Lookup(useStored, maxAge < 0 ? -1 : maxAge * 1000, minFresh < 0 ? -1 : minFresh * 1000,
                cc.has("only-if-cached"), !cc.has("no-store"));
    }

    /** Decides on one upstream response to {@code request}. */
    public static Decision decide(Request request, int status, MultiMap headers) {
        CacheControl cc = CacheControl.parse(headers.getAll("Cache-Control"));
        boolean setCookie = headers.contains("Set-Cookie");
        List<String> vary = new ArrayList<>();
        boolean varyStar = false;
        for (String line : headers.getAll("Vary")) {
            for (String v : line.split(",")) {
                String n = v.trim().toLowerCase(Locale.ROOT);
                if (n.equals("*")) {
                    varyStar = true;
                } else if (!n.isEmpty() && !n.equals("accept-encoding") && !vary.contains(n)) {
                    vary.add(n);
                }
            }
        }
        boolean isPrivate = cc.has("private");
        boolean perUser = request.perUser();
        // coalesced waiters asked for the same key: with a per-user key that is the same identity
        boolean share = !cc.has("no-store") && !setCookie && !varyStar && (perUser || (!isPrivate && vary.isEmpty()));
        String why = refusal(request, status, headers, cc, setCookie, varyStar, isPrivate);
        if (why != null) {
            return new Decision(Store.NO, 0, share, List.copyOf(vary), why);
        }
        long lifetime = lifetimeMillis(cc, headers, perUser, request.nowMillis());
        long ttl = lifetime < 0 ? request.ttlMillis() : Math.min(request.ttlMillis(), lifetime);
        if (ttl <= 0) {
            return new Decision(Store.NO, 0, share, List.copyOf(vary), "no freshness lifetime (max-age=0 or expired)");
        }
        return new Decision(perUser ? Store.PER_USER : Store.SHARED, ttl, share, List.copyOf(vary), "stored");
    }

    private static String refusal(Request request, int status, MultiMap headers, CacheControl cc, boolean setCookie,
                                  boolean varyStar, boolean isPrivate) {
        if (!STORABLE.contains(status)) {
            return "status " + status;
        }
        if (request.cacheControl().has("no-store")) {
            return "request no-store";
        }
        if (cc.has("no-store")) {
            return "no-store";
        }
        // this cache does not revalidate with conditionals: a response that must be revalidated is not kept
        if (cc.has("no-cache")) {
            return "no-cache";
        }
        if (request.credentialed() && !request.perUserEndpoint()) {
            return "credentialed request on a shared endpoint";
        }
        if (isPrivate && !request.perUser()) {
            return "private";
        }
        if (setCookie) {
            return "set-cookie";
        }
        if (varyStar) {
            return "vary *";
        }
        String enc = headers.get("Content-Encoding");
        if (enc != null && !enc.equalsIgnoreCase("identity")) {
            return "content-encoding " + enc;
        }
        return null;
    }

    /**
     * The upstream's freshness lifetime (RFC 9111 4.2.1): {@code s-maxage} for a shared entry, then {@code max-age},
     * then {@code Expires} minus {@code Date}; -1 when it gave none.
     */
    static long lifetimeMillis(CacheControl cc, MultiMap headers, boolean perUser, long nowMillis) {
        long s = perUser ? -1 : cc.seconds("s-maxage");
        if (s >= 0) {
            return s * 1000;
        }
        long m = cc.seconds("max-age");
        if (m >= 0) {
            return m * 1000;
        }
        String expires = headers.get("Expires");
        if (expires == null) {
            return -1;
        }
        long exp = httpDate(expires);
        if (exp < 0) {
            return 0; // an invalid Expires means "already expired" (RFC 9111 5.3)
        }
        String date = headers.get("Date");
        long base = date == null ? nowMillis : httpDate(date);
        return Math.max(0, exp - (base < 0 ? nowMillis : base));
    }

    private static long httpDate(String text) {
        try {
            return ZonedDateTime.parse(text.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}

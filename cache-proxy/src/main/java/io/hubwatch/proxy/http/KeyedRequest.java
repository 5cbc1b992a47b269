package io.hubwatch.proxy.http;

import io.hubwatch.proxy.cache.CacheKeys;
import io.hubwatch.proxy.config.EndpointPolicy;
import io.hubwatch.proxy.policy.CacheControl;
import io.hubwatch.proxy.policy.CachePolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request as the cache sees it: what is forwarded upstream, which endpoint it belongs to, whose it is, and the key
 * it is cached under. The key is built from exactly the target that is forwarded (normalized path, sorted query), so
 * two requests share an entry only if the upstream is asked the same thing.
 *
 * <pre>{@code
 * KeyedRequest k = KeyedRequest.of(req, core.matcher, identity);
 * switch (k.route()) { case CACHE -> lookUp(k.key()); case BYPASS, PASS -> forward(k.target()); ... }
 * }</pre>
 *
 * @param route        what the proxy does with the request
 * @param target       the origin-form target forwarded upstream (or the reason, for {@link Route#INVALID}); for
 *                     {@link Route#CACHE} null, since it is the key's target (see {@link #forwarded()}), built only
 *                     on a miss and not on the hit path
 * @param policy       the endpoint's policy, null for pass-through and admin requests
 * @param credentialed whether the request carries credentials
 * @param identity     the identity hash on a per-user endpoint, null for anonymous or shared
 * @param key          the cache key ({@link Route#CACHE} only)
 * @param lookup       what the request's Cache-Control allows
 */
public record KeyedRequest(Route route, String target, EndpointPolicy policy, boolean credentialed, String identity,
                           String key, CachePolicy.Lookup lookup) {

    /** What the proxy does with a request. */
    public enum Route {
        /** refused with 400: the target is not origin-form */
        INVALID,
        /** the proxy's own endpoints under /_proxy/ */
        ADMIN,
        /** not a cached endpoint: piped to the upstream */
        PASS,
        /** a cached endpoint, but this request may not use the cache (unsafe method, credentials on a shared one) */
        BYPASS,
        /** looked up under {@link #key} */
        CACHE
    }

    private static final CharSequence PRAGMA = HttpHeaders.createOptimized("pragma");

    /** Key part of a request on a per-user endpoint without credentials. */
    public static final String ANONYMOUS = "anonymous";

    /** Classifies and keys one request. */
    public static KeyedRequest of(HttpServerRequest req, EndpointMatcher matcher, Identity identity) {
        String uri = req.uri();
        if (uri.isEmpty() || uri.charAt(0) != '/') {
            return new KeyedRequest(Route.INVALID, "the request target must be origin-form (/path?query), got '"
                    + abbreviate(uri) + "'", null, false, null, null, null);
        }
        String path = CacheKeys.normalizePath(req.path());
        String query = req.query();
        if (path.startsWith("/_proxy/")) {
            return new KeyedRequest(Route.ADMIN, path, null, false, null, null, null);
        }
        EndpointPolicy policy = matcher.match(path);
        if (policy == null) {
            return new KeyedRequest(Route.PASS, query == null ? path : path + "?" + query, null, false, null, null,
                    null);
        }
        MultiMap headers = req.headers();
        boolean credentialed = identity.credentialed(headers);
        HttpMethod m = req.method();
        if ((m != HttpMethod.GET && m != HttpMethod.HEAD) || (credentialed && !policy.varyByUser())) {
            // RFC 9111 3.5: a shared cache neither stores nor reuses responses to credentialed requests
            return new KeyedRequest(Route.BYPASS, query == null ? path : path + "?" + query, policy, credentialed,
                    null, null, null);
        }
        String key = CacheKeys.base(path, query);
        String who = null;
        if (policy.varyByUser()) {
            who = credentialed ? identity.of(headers) : null;
            key = CacheKeys.withUser(key, who == null ? ANONYMOUS : who);
        }
        return new KeyedRequest(Route.CACHE, null, policy, credentialed, who, key, lookup(headers));
    }

    /** The origin-form target sent upstream: for a cached request, exactly the target its key was built from. */
    public String forwarded() {
        return target != null ? target : CacheKeys.target(key);
    }

    private static CachePolicy.Lookup lookup(MultiMap headers) {
        if (!headers.contains(HttpHeaders.CACHE_CONTROL) && !headers.contains(PRAGMA)) {
            return CachePolicy.Lookup.DEFAULT;
        }
        return CachePolicy.lookup(CacheControl.parse(headers.getAll(HttpHeaders.CACHE_CONTROL)),
                headers.get(PRAGMA));
    }

    /** Whether the response leaves as the identity's own ({@code Cache-Control: private}). */
    public boolean perUser() {
        return identity != null;
    }

    /** The facts {@link CachePolicy#decide} needs about this request. */
    public CachePolicy.Request policyRequest(MultiMap headers, long nowMillis) {
        return new CachePolicy.Request(policy.varyByUser(), credentialed, policy.ttl().toMillis(),
                CacheControl.parse(headers.getAll(HttpHeaders.CACHE_CONTROL)), nowMillis);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}

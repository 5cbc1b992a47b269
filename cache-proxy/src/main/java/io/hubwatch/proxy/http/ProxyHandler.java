package io.hubwatch.proxy.http;

import io.hubwatch.proxy.cache.CacheKeys;
import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.config.EndpointPolicy;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.http.internal.HopHeaders;
import io.hubwatch.proxy.stats.EndpointStats;
import io.hubwatch.proxy.strategy.Coalescer;
import io.hubwatch.proxy.strategy.Freshness;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

/**
 * The request path of one event loop: cached endpoints are answered from L1, then L2, then one coalesced upstream
 * fetch; everything else is piped to the upstream untouched.
 *
 * <pre>{@code
 * server.requestHandler(new ProxyHandler(vertx, core, upstreamClient, admin));
 * }</pre>
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {

    private static final CharSequence X_CACHE = HttpHeaders.createOptimized("x-cache");
    private static final CharSequence HIT = HttpHeaders.createOptimized("HIT");
    private static final CharSequence MISS = HttpHeaders.createOptimized("MISS");
    private static final CharSequence STALE = HttpHeaders.createOptimized("STALE");
    private static final CharSequence BYPASS = HttpHeaders.createOptimized("BYPASS");
    private static final CharSequence AGE = HttpHeaders.createOptimized("age");
    private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("retry-after");
    private static final CharSequence[] AGES = new CharSequence[3600];

    static {
        for (int i = 0; i < AGES.length; i++) {
            AGES[i] = HttpHeaders.createOptimized(Integer.toString(i));
        }
    }

    private final Vertx vertx;
    private final ProxyCore core;
    private final ProxyConfig config;
    private final HttpClient client;
    private final Handler<HttpServerRequest> admin;
    private final String upstreamHost;
    private final int upstreamPort;
    private final boolean upstreamSsl;
    private final CharSequence userHeader;

    public ProxyHandler(Vertx vertx, ProxyCore core, HttpClient client, Handler<HttpServerRequest> admin) {
        this.vertx = vertx;
        this.core = core;
        this.config = core.config;
        this.client = client;
        this.admin = admin;
        this.upstreamSsl = "https".equalsIgnoreCase(config.upstream().getScheme());
        this.upstreamHost = config.upstream().getHost();
        this.upstreamPort = config.upstream().getPort() > 0 ? config.upstream().getPort() : upstreamSsl ? 443 : 80;
        this.userHeader = HttpHeaders.createOptimized(config.userHeader());
    }

    @Override
    public void handle(HttpServerRequest req) {
        long start = System.nanoTime();
        String rawPath = req.path();
        if (rawPath.startsWith("/_proxy/")) {
            admin.handle(req);
            return;
        }
        String path = CacheKeys.normalizePath(rawPath);
        EndpointPolicy policy = core.matcher.match(path);
        HttpMethod method = req.method();
        if (policy == null) {
            core.stats.passThrough.increment();
            passThrough(req, null, null);
            return;
        }
        EndpointStats es = core.stats.endpoint(policy.path());
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            es.bypass.increment();
            passThrough(req, policy, BYPASS);
            return;
        }
        String authorization = req.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && !policy.varyByUser()) {
            // RFC 9111 3.5: a response to an authorized request is not shared without an explicit per-user policy
            es.bypass.increment();
            passThrough(req, policy, BYPASS);
            return;
        }
        String key = CacheKeys.base(path, req.query());
        if (policy.varyByUser()) {
            String identity = identity(req, authorization);
            if (identity == null && req.headers().contains(HttpHeaders.COOKIE)) {
                // no identity we can key by, yet a cookie the upstream may identify the user with: never share
                es.bypass.increment();
                passThrough(req, policy, BYPASS);
                return;
            }
            key = CacheKeys.withUser(key, identity == null ? "anonymous" : CacheKeys.userHash(identity));
        }
        List<String> vary = core.varyIndex.isEmpty() ? null : core.varyIndex.get(key);
        if (vary != null) {
            key = varyKey(key, vary, req.headers());
        }
        CachedResponse entry = core.l1.get(key);
        if (entry != null && serveStored(req, entry, policy, es, key, false, start)) {
            return;
        }
        if (core.l2Available()) {
            String k = key;
            Context ctx = vertx.getOrCreateContext();
            long epoch = core.purgeEpoch();
            core.l2.get(key).whenComplete((fromL2, err) -> ctx.runOnContext(v -> {
                CachedResponse stale = entry;
                if (fromL2 != null && fromL2.key.equals(k) && core.purgeEpoch() == epoch) {
                    fromL2.refreshAt = core.refreshAhead.refreshAtMillis(fromL2.ttlMillis);
                    core.l1.put(fromL2);
                    if (serveStored(req, fromL2, policy, es, k, true, start)) {
                        return;
                    }
                    stale = fromL2;
                } else {
                    // a coalesced load may have finished while Redis answered: its result is in L1 now
                    CachedResponse again = core.l1.get(k);
                    if (again != null && again != entry && serveStored(req, again, policy, es, k, false, start)) {
                        return;
                    }
                }
                fetchAndServe(req, k, policy, es, stale, start);
            }));
            return;
        }
        fetchAndServe(req, key, policy, es, entry, start);
    }

    private String identity(HttpServerRequest req, String authorization) {
        String id = req.getHeader(userHeader);
        if (id != null && !id.isEmpty()) {
            return "h:" + id;
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "b:" + authorization.substring(7).trim();
        }
        return null;
    }

    private static String varyKey(String key, List<String> names, MultiMap headers) {
        StringBuilder sb = new StringBuilder(key).append(CacheKeys.VARY_MARK);
        for (String n : names) {
            String v = headers.get(n);
            sb.append(n).append('=').append(v == null ? "" : v).append('\u0001');
        }
        return sb.toString();
    }

    /** Serves a stored entry if it is fresh or may be served stale now; false means: fetch from upstream. */
    private boolean serveStored(HttpServerRequest req, CachedResponse e, EndpointPolicy policy, EndpointStats es,
                                String key, boolean fromL2, long start) {
        long now = System.currentTimeMillis();
        long age = e.ageMillis(now);
        switch (Freshness.state(age, e.ttlMillis, e.swrMillis, e.sieMillis)) {
            case FRESH -> {
                long hits = e.hits + 1;
                e.hits = hits;
                if (policy.refreshAhead() && core.refreshAhead.due(age, e.refreshAt, hits)) {
                    refreshInBackground(req, e, policy, es);
                }
                (fromL2 ? es.l2Hits : es.l1Hits).increment();
                respond(req, e, HIT, age);
                es.recordHit(System.nanoTime() - start);
                return true;
            }
            case STALE_REVALIDATE -> {
                e.hits = e.hits + 1;
                refreshInBackground(req, e, policy, es);
                es.stale.increment();
                respond(req, e, STALE, age);
                es.recordHit(System.nanoTime() - start);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void respond(HttpServerRequest req, CachedResponse e, CharSequence xCache, long ageMillis) {
        HttpServerResponse resp = req.response();
        MultiMap h = resp.headers();
        CachedResponse.Variant v = e.hasCompressed()
                ? e.variant(ContentCoding.preferred(req.getHeader(HttpHeaders.ACCEPT_ENCODING)))
                : e.variant(CachedResponse.Encoding.IDENTITY);
        CharSequence[] names = v.names;
        CharSequence[] values = v.values;
        for (int i = 0; i < names.length; i++) {
            h.add(names[i], values[i]);
        }
        long ageSeconds = Math.max(0, ageMillis / 1000);
        h.add(AGE, ageSeconds < AGES.length ? AGES[(int) ageSeconds] : Long.toString(ageSeconds));
        h.add(X_CACHE, xCache);
        if (e.etag != null) {
            String inm = req.getHeader(HttpHeaders.IF_NONE_MATCH);
            if (inm != null && etagMatches(inm, e.etag)) {
                core.stats.endpoint(e.endpoint).notModified.increment();
                resp.setStatusCode(304).end();
                return;
            }
        }
        resp.setStatusCode(e.status);
        if (req.method() == HttpMethod.HEAD) {
            h.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(v.bytes.length));
            resp.end();
        } else {
            resp.end(v.body);
        }
    }

    /** Weak comparison (RFC 9110 13.1.2): {@code W/} prefixes are ignored; {@code *} matches any. */
    static boolean etagMatches(String ifNoneMatch, String etag) {
        String tag = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(tag)) {
                return true;
            }
        }
        return false;
    }

    private void refreshInBackground(HttpServerRequest req, CachedResponse e, EndpointPolicy policy, EndpointStats es) {
        if (System.currentTimeMillis() < e.noRefreshBefore || !e.refreshing.compareAndSet(false, true)) {
            return;
        }
        es.refreshes.increment();
        // the request is recycled once answered: the refresh keeps its own copy of what identifies the user
        MultiMap headers = HttpHeaders.headers().addAll(req.headers());
        String uri = req.uri();
        String remote = remoteAddress(req);
        core.coalescer.load(e.key, () -> fetch(uri, headers, remote, e.key, policy, e))
                .result().whenComplete((f, err) -> {
                    if (err != null || f.serverError()) {
                        es.upstreamErrors.increment();
                        e.noRefreshBefore = System.currentTimeMillis() + 1000;
                    }
                    e.refreshing.set(false);
                });
    }

    private void fetchAndServe(HttpServerRequest req, String key, EndpointPolicy policy, EndpointStats es,
                               CachedResponse stale, long start) {
        Context ctx = vertx.getOrCreateContext();
        MultiMap headers = req.headers();
        Coalescer.Call<Fetched> call = core.coalescer.load(key, () -> {
            // the leader checks L1 once more: a load that completed just before this one registered has stored there
            CachedResponse fresh = core.l1.get(key);
            if (fresh != null && fresh != stale && fresh.ageMillis(System.currentTimeMillis()) < fresh.ttlMillis) {
                return CompletableFuture.completedFuture(new Fetched(fresh, true, true, null));
            }
            return fetch(req.uri(), HttpHeaders.headers().addAll(headers), remoteAddress(req), key, policy, stale);
        });
        if (!call.leader()) {
            es.coalesced.increment();
        }
        call.result().whenComplete((f, err) -> ctx.runOnContext(v -> {
            if (err != null || f.serverError()) {
                es.upstreamErrors.increment();
                if (stale != null && Freshness.state(stale.ageMillis(System.currentTimeMillis()), stale.ttlMillis,
                        stale.swrMillis, stale.sieMillis) != Freshness.State.EXPIRED) {
                    es.stale.increment();
                    respond(req, stale, STALE, stale.ageMillis(System.currentTimeMillis()));
                    es.recordHit(System.nanoTime() - start);
                    return;
                }
                if (err != null) {
                    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                            ? err.getCause() : err;
                    if (cause instanceof GateFullException) {
                        reject(req);
                    } else {
                        error(req, 502, "upstream unavailable: " + cause.getMessage());
                    }
                    return;
                }
            }
            if (f.stream() != null) {
                if (call.leader()) {
                    es.misses.increment();
                    pipeResponse(req, f.stream(), MISS, null);
                } else {
                    passThrough(req, policy, MISS);
                }
                return;
            }
            if (!f.shareable() && !call.leader()) {
                passThrough(req, policy, MISS);
                return;
            }
            es.misses.increment();
            if (!f.stored()) {
                es.notStored.increment();
            }
            respond(req, f.response(), MISS, 0);
            es.recordMiss(System.nanoTime() - start);
        }));
    }

    /**
     * Fills the cache for one request target without a client waiting (warm-up): from L2 if it holds a fresh copy,
     * otherwise from the upstream. Targets of per-user endpoints are skipped: there is no user to fetch them for.
     * Completes with whether the target is now in L1.
     */
    public CompletableFuture<Boolean> warm(String target) {
        int q = target.indexOf('?');
        String path = CacheKeys.normalizePath(q < 0 ? target : target.substring(0, q));
        EndpointPolicy policy = core.matcher.match(path);
        if (policy == null || policy.varyByUser()) {
            return CompletableFuture.completedFuture(false);
        }
        String key = CacheKeys.base(path, q < 0 ? null : target.substring(q + 1));
        long epoch = core.purgeEpoch();
        CompletableFuture<CachedResponse> fromL2 = core.l2Available()
                ? core.l2.get(key).toCompletableFuture() : CompletableFuture.completedFuture(null);
        return fromL2.thenCompose(e -> {
            long now = System.currentTimeMillis();
            if (e != null && e.key.equals(key) && e.ageMillis(now) < e.ttlMillis && core.purgeEpoch() == epoch) {
                e.refreshAt = core.refreshAhead.refreshAtMillis(e.ttlMillis);
                core.l1.put(e);
                return CompletableFuture.completedFuture(true);
            }
            return core.coalescer.load(key, () -> fetch(target, HttpHeaders.headers(), null, key, policy, null))
                    .result().thenApply(Fetched::stored);
        });
    }

    /** Thrown into a coalesced result when the upstream queue is full. */
    static final class GateFullException extends RuntimeException {
        GateFullException() {
            super("upstream queue full", null, false, false);
        }
    }

    /**
     * One upstream GET for a cached endpoint, under the gate: buffered and (if allowed) stored, or handed back paused
     * when it is a stream. Runs on whatever thread the gate hands the slot on; Vert.x calls back on the client's
     * context.
     */
    CompletableFuture<Fetched> fetch(String uri, MultiMap requestHeaders, String remote, String key,
                                     EndpointPolicy policy, CachedResponse previous) {
        CompletableFuture<Fetched> result = new CompletableFuture<>();
        long epoch = core.purgeEpoch();
        Runnable task = () -> {
            RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(upstreamHost)
                    .setPort(upstreamPort).setSsl(upstreamSsl).setURI(uri)
                    .setTimeout(config.upstreamTimeout().toMillis());
            client.request(ro).compose(creq -> {
                copyRequestHeaders(requestHeaders, creq.headers(), remote);
                // the cache asks for identity and compresses itself; conditionals would leave it without a body
                creq.headers().remove(HttpHeaders.ACCEPT_ENCODING).remove(HttpHeaders.IF_NONE_MATCH)
                        .remove(HttpHeaders.IF_MODIFIED_SINCE);
                return creq.send();
            }).onComplete(ar -> {
                if (ar.failed()) {
                    core.gate.release();
                    result.completeExceptionally(ar.cause());
                    return;
                }
                HttpClientResponse resp = ar.result();
                if (isStream(resp)) {
                    resp.pause();
                    resp.end().onComplete(x -> core.gate.release());
                    result.complete(new Fetched(null, false, false, resp));
                    return;
                }
                resp.body().onComplete(body -> {
                    core.gate.release();
                    if (body.failed()) {
                        result.completeExceptionally(body.cause());
                        return;
                    }
                    try {
                        result.complete(build(resp, body.result(), key, policy, previous, requestHeaders, epoch));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
            });
        };
        if (!core.gate.enter(task)) {
            core.stats.rejected.increment();
            result.completeExceptionally(new GateFullException());
        }
        return result;
    }

    private boolean isStream(HttpClientResponse resp) {
        String ct = resp.getHeader(HttpHeaders.CONTENT_TYPE);
        if (ct != null && ct.regionMatches(true, 0, "text/event-stream", 0, 17)) {
            return true;
        }
        String cl = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (cl == null) {
            int s = resp.statusCode();
            return s != 204 && s != 304;
        }
        try {
            return Long.parseLong(cl.trim()) > config.maxEntryBytes();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private Fetched build(HttpClientResponse resp, Buffer body, String key, EndpointPolicy policy,
                          CachedResponse previous, MultiMap requestHeaders, long epoch) {
        int status = resp.statusCode();
        MultiMap h = resp.headers();
        String cc = h.get(HttpHeaders.CACHE_CONTROL);
        String ccl = cc == null ? "" : cc.toLowerCase(Locale.ROOT);
        boolean isPrivate = hasDirective(ccl, "private");
        boolean noStore = hasDirective(ccl, "no-store");
        boolean noCache = hasDirective(ccl, "no-cache");
        boolean setCookie = h.contains(HttpHeaders.SET_COOKIE);
        String varyHeader = String.join(",", h.getAll(HttpHeaders.VARY));
        List<String> vary = new ArrayList<>();
        boolean varyStar = false;
        for (String v : varyHeader.split(",")) {
            String n = v.trim().toLowerCase(Locale.ROOT);
            if (n.equals("*")) {
                varyStar = true;
            } else if (!n.isEmpty() && !n.equals("accept-encoding")) {
                vary.add(n);
            }
        }
        String upstreamEncoding = h.get(HttpHeaders.CONTENT_ENCODING);
        boolean encodedByUpstream = upstreamEncoding != null && !upstreamEncoding.equalsIgnoreCase("identity");
        boolean shareable = !isPrivate && !noStore && !setCookie && vary.isEmpty() && !varyStar;
        boolean storable = !isPrivate && !noStore && !noCache && !setCookie && !varyStar && !encodedByUpstream
                && (status == 200 || status == 203 || status == 204);
        byte[] bytes = body.getBytes();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        long hash = crc.getValue() ^ ((long) bytes.length << 32);
        long now = System.currentTimeMillis();

        String storeKey = key;
        if (storable && !vary.isEmpty()) {
            // Vary'd: stored under the key plus this request's values of the named headers; later requests find
            // the names in the index and build the same key
            int mark = key.indexOf(CacheKeys.VARY_MARK);
            String baseKey = mark < 0 ? key : key.substring(0, mark);
            core.varyIndex.put(baseKey, List.copyOf(vary));
            storeKey = varyKey(baseKey, vary, requestHeaders);
        }
        CachedResponse.Builder b = CachedResponse.builder(storeKey, policy.path())
                .status(status).body(bytes).bodyHash(hash)
                .timing(now, policy.ttl().toMillis(), policy.staleWhileRevalidate().toMillis(),
                        policy.staleIfError().toMillis());
        if (storable) {
            for (Map.Entry<String, String> e : h) {
                if (HopHeaders.isStored(e.getKey())) {
                    b.header(e.getKey(), e.getValue());
                }
            }
            String etag = h.get(HttpHeaders.ETAG);
            b.etag(etag != null ? etag : "\"" + Long.toHexString(hash) + "\"");
            b.vary(vary);
            List<String> tags = new ArrayList<>(policy.tags());
            addTags(tags, h.get("Cache-Tag"), ",");
            addTags(tags, h.get("Surrogate-Key"), " ");
            b.tags(tags);
            if (bytes.length >= config.compressMinBytes()
                    && ContentCoding.compressible(h.get(HttpHeaders.CONTENT_TYPE))) {
                b.compressed(ContentCoding.gzip(bytes), ContentCoding.brotli(bytes));
            }
            String age = h.get(HttpHeaders.AGE);
            if (age != null) {
                try {
                    b.upstreamAge(Math.max(0, Integer.parseInt(age.trim())));
                } catch (NumberFormatException ignored) {
                    // a bad Age is treated as 0
                }
            }
        } else {
            // not stored: the caller gets the upstream's headers as they were (Set-Cookie included)
            for (Map.Entry<String, String> e : h) {
                String n = e.getKey();
                if (!HopHeaders.isHopByHop(n) && !n.equalsIgnoreCase("content-length")) {
                    b.header(n, e.getValue());
                }
            }
        }
        CachedResponse r = b.build();
        if (storable && core.purgeEpoch() != epoch) {
            // fetched across a purge: serve it to those waiting, but do not keep what may predate the purge
            storable = false;
        }
        if (storable) {
            noteChange(previous != null ? previous : core.l1.get(storeKey), r);
            r.refreshAt = core.refreshAhead.refreshAtMillis(r.ttlMillis);
            core.store(r);
        }
        return new Fetched(r, storable, shareable, null);
    }

    private void noteChange(CachedResponse previous, CachedResponse now) {
        if (previous == null) {
            return;
        }
        EndpointStats es = core.stats.endpoint(now.endpoint);
        (previous.bodyHash == now.bodyHash ? es.unchanged : es.changed).increment();
    }

    private static void addTags(List<String> tags, String header, String separator) {
        if (header == null) {
            return;
        }
        for (String t : header.split(separator)) {
            String tag = t.trim();
            if (!tag.isEmpty() && !tags.contains(tag)) {
                tags.add(tag);
            }
        }
    }

    private static boolean hasDirective(String cacheControl, String directive) {
        int i = cacheControl.indexOf(directive);
        while (i >= 0) {
            int end = i + directive.length();
            boolean startOk = i == 0 || cacheControl.charAt(i - 1) == ',' || cacheControl.charAt(i - 1) == ' ';
            boolean endOk = end == cacheControl.length() || cacheControl.charAt(end) == ','
                    || cacheControl.charAt(end) == '=' || cacheControl.charAt(end) == ' ';
            if (startOk && endOk) {
                return true;
            }
            i = cacheControl.indexOf(directive, end);
        }
        return false;
    }

    private static String remoteAddress(HttpServerRequest req) {
        return req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    }

    private static void copyRequestHeaders(MultiMap from, MultiMap to, String remote) {
        for (Map.Entry<String, String> e : from) {
            String n = e.getKey();
            if (!HopHeaders.isHopByHop(n) && !n.equalsIgnoreCase("host") && !n.equalsIgnoreCase("content-length")) {
                to.add(n, e.getValue());
            }
        }
        if (remote != null) {
            String prior = from.get("X-Forwarded-For");
            to.set("X-Forwarded-For", prior == null ? remote : prior + ", " + remote);
        }
    }

    /**
     * Pipes the request to the upstream and the response back, with backpressure both ways; nothing is buffered
     * whole. Unsafe methods that succeed on a cached endpoint purge it (RFC 9111 4.4).
     */
    private void passThrough(HttpServerRequest req, EndpointPolicy policy, CharSequence xCache) {
        if (!req.isEnded()) {
            req.pause();
        }
        Context ctx = vertx.getOrCreateContext();
        boolean entered = core.gate.enter(() -> ctx.runOnContext(v -> {
            RequestOptions ro = new RequestOptions().setMethod(req.method()).setHost(upstreamHost)
                    .setPort(upstreamPort).setSsl(upstreamSsl).setURI(req.uri())
                    .setTimeout(config.upstreamTimeout().toMillis());
            client.request(ro).onComplete(ar -> {
                if (ar.failed()) {
                    core.gate.release();
                    req.resume();
                    error(req, 502, "upstream unavailable: " + ar.cause().getMessage());
                    return;
                }
                var creq = ar.result();
                copyRequestHeaders(req.headers(), creq.headers(), remoteAddress(req));
                String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
                if (cl != null) {
                    creq.putHeader(HttpHeaders.CONTENT_LENGTH, cl);
                } else if (req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                    creq.setChunked(true);
                }
                // a request handed over after a coalesced wait has been read already: nothing left to pipe
                var sent = req.isEnded() ? creq.send() : creq.send(req);
                sent.onComplete(rr -> {
                    if (rr.failed()) {
                        core.gate.release();
                        error(req, 502, "upstream failed: " + rr.cause().getMessage());
                        return;
                    }
                    HttpClientResponse resp = rr.result();
                    resp.end().onComplete(x -> core.gate.release());
                    pipeResponse(req, resp, xCache, policy);
                });
            });
        }));
        if (!entered) {
            core.stats.rejected.increment();
            req.resume();
            reject(req);
        }
    }

    private void pipeResponse(HttpServerRequest req, HttpClientResponse resp, CharSequence xCache,
                              EndpointPolicy invalidateOnSuccess) {
        HttpServerResponse out = req.response();
        out.setStatusCode(resp.statusCode());
        out.setStatusMessage(resp.statusMessage());
        for (Map.Entry<String, String> e : resp.headers()) {
            if (!HopHeaders.isHopByHop(e.getKey())) {
                out.headers().add(e.getKey(), e.getValue());
            }
        }
        if (xCache != null) {
            out.headers().set(X_CACHE, xCache);
        }
        if (resp.getHeader(HttpHeaders.CONTENT_LENGTH) == null && req.method() != HttpMethod.HEAD) {
            out.setChunked(true);
        }
        HttpMethod m = req.method();
        if (invalidateOnSuccess != null && m != HttpMethod.GET && m != HttpMethod.HEAD
                && resp.statusCode() >= 200 && resp.statusCode() < 400) {
            core.purgePrefix(CacheKeys.normalizePath(req.path()));
        }
        resp.pipeTo(out).onFailure(e -> {
            if (!out.ended()) {
                out.reset();
            }
        });
    }

    private static void reject(HttpServerRequest req) {
        HttpServerResponse r = req.response();
        if (!r.headWritten()) {
            r.setStatusCode(503).putHeader(RETRY_AFTER, "1").putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                    .end("upstream busy, retry shortly\n");
        }
    }

    private static void error(HttpServerRequest req, int status, String message) {
        HttpServerResponse r = req.response();
        if (!r.headWritten() && !r.ended()) {
            r.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(message + "\n");
        } else if (!r.ended()) {
            r.reset();
        }
    }
}

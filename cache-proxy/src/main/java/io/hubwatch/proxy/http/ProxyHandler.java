package io.hubwatch.proxy.http;

import static io.hubwatch.proxy.http.Responder.BYPASS;
import static io.hubwatch.proxy.http.Responder.HIT;
import static io.hubwatch.proxy.http.Responder.MISS;
import static io.hubwatch.proxy.http.Responder.STALE;

import io.hubwatch.proxy.cache.CacheKeys;
import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.config.EndpointPolicy;
import io.hubwatch.proxy.policy.CachePolicy;
import io.hubwatch.proxy.profile.Phase;
import io.hubwatch.proxy.stats.EndpointStats;
import io.hubwatch.proxy.strategy.Coalescer;
import io.hubwatch.proxy.strategy.Freshness;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The request path of one event loop: a request is keyed ({@link KeyedRequest}: target, endpoint, identity), then
 * answered from L1, then L2, then one coalesced upstream fetch ({@link UpstreamFetch}, stored as {@link CachePolicy}
 * decides); requests that may not use the cache are piped to the upstream untouched. {@link Responder} writes.
 *
 * <pre>{@code
 * server.requestHandler(new ProxyHandler(vertx, core, upstreamClient, admin));
 * }</pre>
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {

    private final Vertx vertx;
    private final ProxyCore core;
    private final Handler<HttpServerRequest> admin;
    private final UpstreamFetch upstream;
    /** count this event loop's L1 look-ups and cache writes (one thread: no atomics) to time one in
     *  {@link Phase#SAMPLE_EVERY} of each */
    private int lookupTick;
    private int writeTick;

    /**
     * @param admin the handler of {@code /_proxy/*}, or null when the admin routes live on their own listener (then
     *              they are answered 404 here)
     */
    public ProxyHandler(Vertx vertx, ProxyCore core, HttpClient client, Handler<HttpServerRequest> admin) {
        this.vertx = vertx;
        this.core = core;
        this.admin = admin;
        this.upstream = new UpstreamFetch(vertx, core, client);
    }

    @Override
    public void handle(HttpServerRequest req) {
        long start = System.nanoTime();
        String te = req.headers().contains(HttpHeaders.TRANSFER_ENCODING) ? unframed(req) : null;
        if (te != null) {
            Responder.refuseAndClose(req, 400, te);
            return;
        }
        KeyedRequest k = KeyedRequest.of(req, core.matcher, core.identity);
        switch (k.route()) {
            case INVALID -> Responder.error(req, 400, k.target());
            case ADMIN -> {
                if (admin != null) {
                    admin.handle(req);
                } else {
                    Responder.error(req, 404, "the proxy's admin routes are served on its admin listener");
                }
            }
            case PASS -> {
                core.stats.passThrough.increment();
                upstream.forward(req, k.target(), null, false, core.stats.passThroughProfile, start, null);
            }
            case BYPASS -> {
                EndpointStats es = core.stats.endpoint(k.policy().path());
                es.bypass.increment();
                upstream.forward(req, k.target(), BYPASS, false, es, start, invalidation(req, k));
            }
            case CACHE -> lookUp(req, k, start);
            default -> throw new IllegalStateException("unknown route " + k.route());
        }
    }

    /**
     * Why a request's body has no length the proxy can trust, or null. RFC 9112 6.3: unless {@code chunked} is the
     * one and final transfer coding, the body's end is unknown; the decoder would take the bytes after the headers
     * as a next request (smuggled past whatever checked this one) and the upstream would get the body without its
     * coding. Only a plain {@code chunked} is forwarded.
     */
    private static String unframed(HttpServerRequest req) {
        List<String> lines = req.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
        if (lines.size() == 1 && lines.get(0).trim().equalsIgnoreCase("chunked")) {
            return null;
        }
        String all = String.join(", ", lines);
        return "Transfer-Encoding '" + (all.length() > 80 ? all.substring(0, 80) + "..." : all)
                + "' is not supported: only a plain chunked body is accepted";
    }

    /** RFC 9111 4.4, when configured: a successful unsafe request drops what is stored for its own target. */
    private Runnable invalidation(HttpServerRequest req, KeyedRequest k) {
        if (!core.config.invalidateOnUnsafe() || req.method() == io.vertx.core.http.HttpMethod.GET
                || req.method() == io.vertx.core.http.HttpMethod.HEAD) {
            return null;
        }
        int q = k.target().indexOf('?');
        String base = CacheKeys.base(q < 0 ? k.target() : k.target().substring(0, q),
                q < 0 ? null : k.target().substring(q + 1));
        String user = k.policy().varyByUser() ? core.identity.of(req.headers()) : null;
        return () -> {
            core.purgeKey(k.policy().varyByUser() ? CacheKeys.withUser(base, KeyedRequest.ANONYMOUS) : base);
            if (user != null) {
                core.purgeKey(CacheKeys.withUser(base, user));
            }
        };
    }

    private void lookUp(HttpServerRequest req, KeyedRequest k, long start) {
        EndpointStats es = core.stats.endpoint(k.policy().path());
        String key = k.key();
        List<String> vary = core.varyNames(key);
        if (vary != null) {
            key = varyKey(key, vary, req.headers());
        }
        CachePolicy.Lookup lookup = k.lookup();
        if (!lookup.useStored()) {
            fetchAndServe(req, k, key, es, null, start);
            return;
        }
        CachedResponse entry;
        if ((++lookupTick & (Phase.SAMPLE_EVERY - 1)) == 0) {
            long t0 = System.nanoTime();
            entry = core.l1.get(key);
            es.time(Phase.L1_LOOKUP, System.nanoTime() - t0);
        } else {
            entry = core.l1.get(key);
        }
        if (entry != null && serveStored(req, entry, k, es, false, start)) {
            return;
        }
        if (core.l2Available()) {
            String kk = key;
            Context ctx = vertx.getOrCreateContext();
            long epoch = core.purgeEpoch();
            long l2Start = System.nanoTime();
            core.l2.get(key).whenComplete((fromL2, err) -> ctx.runOnContext(v -> {
                es.time(Phase.L2_LOOKUP, System.nanoTime() - l2Start);
                CachedResponse stale = entry;
                if (fromL2 != null && fromL2.key.equals(kk) && core.purgeEpoch() == epoch) {
                    fromL2.refreshAt = core.refreshAhead.refreshAtMillis(fromL2.ttlMillis);
                    core.l1.put(fromL2);
                    if (serveStored(req, fromL2, k, es, true, start)) {
                        return;
                    }
                    stale = fromL2;
                } else {
                    // a coalesced load may have finished while Redis answered: its result is in L1 now
                    CachedResponse again = core.l1.get(kk);
                    if (again != null && again != entry && serveStored(req, again, k, es, false, start)) {
                        return;
                    }
                }
                fetchAndServe(req, k, kk, es, stale, start);
            }));
            return;
        }
        fetchAndServe(req, k, key, es, entry, start);
    }

    /** Whether to time this response write. */
    private boolean sampled() {
        return (++writeTick & (Phase.SAMPLE_EVERY - 1)) == 0;
    }

    static String varyKey(String key, List<String> names, MultiMap headers) {
        StringBuilder sb = new StringBuilder(key).append(CacheKeys.VARY_MARK);
        for (String n : names) {
            // every line of the field, not the first: an upstream reading the last or all of them must not have its
            // answer to "a" + "b" stored where a request with "a" alone finds it. Lines are kept apart with '\n',
            // which no header value can hold (the HTTP decoder refuses control characters)
            List<String> lines = headers.getAll(n);
            sb.append(n).append('=');
            for (int i = 0; i < lines.size(); i++) {
                sb.append(i == 0 ? "" : "\n").append(lines.get(i).replace("|", "%7C"));
            }
            sb.append('\u0001');
        }
        return sb.toString();
    }

    /** Serves a stored entry if it is fresh or may be served stale now; false means: fetch from upstream. */
    private boolean serveStored(HttpServerRequest req, CachedResponse e, KeyedRequest k, EndpointStats es,
                                boolean fromL2, long start) {
        long now = core.clock.millis();
        long age = e.ageMillis(now);
        CachePolicy.Lookup lookup = k.lookup();
        Freshness.State state = Freshness.state(age, e.ttlMillis, e.swrMillis, e.sieMillis);
        if (state == Freshness.State.FRESH && lookup != CachePolicy.Lookup.DEFAULT
                && !lookup.acceptsFresh(age, e.ttlMillis)) {
            return false;
        }
        switch (state) {
            case FRESH -> {
                long hits = e.hits + 1;
                e.hits = hits;
                if (k.policy().refreshAhead() && core.refreshAhead.due(age, e.refreshAt, hits)) {
                    refreshInBackground(req, e, k, es);
                }
                (fromL2 ? es.l2Hits : es.l1Hits).increment();
                Responder.fromCache(req, e, HIT, age, es, sampled());
                es.recordHit(System.nanoTime() - start);
                return true;
            }
            case STALE_REVALIDATE -> {
                if (!lookup.acceptsStale()) {
                    return false;
                }
                e.hits = e.hits + 1;
                refreshInBackground(req, e, k, es);
                es.stale.increment();
                Responder.fromCache(req, e, STALE, age, es, sampled());
                es.recordHit(System.nanoTime() - start);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void refreshInBackground(HttpServerRequest req, CachedResponse e, KeyedRequest k, EndpointStats es) {
        if (core.clock.millis() < e.noRefreshBefore || !e.refreshing.compareAndSet(false, true)) {
            return;
        }
        es.refreshes.increment();
        // the request is recycled once answered: the refresh keeps its own copy of what identifies the user
        MultiMap headers = HttpHeaders.headers().addAll(req.headers());
        String remote = UpstreamFetch.remoteAddress(req);
        core.coalescer.load(e.key, () -> upstream.fetch(k, e.key, headers, remote, e, es))
                .result().whenComplete((f, err) -> {
                    if (f != null && f.stream() != null) {
                        // the entry now answers as a stream, which is never stored: nobody reads it here
                        Responder.abandon(f.stream());
                    }
                    if (err != null || f.serverError()) {
                        es.upstreamErrors.increment();
                        e.noRefreshBefore = core.clock.millis() + 1000;
                    }
                    e.refreshing.set(false);
                });
    }

    private void fetchAndServe(HttpServerRequest req, KeyedRequest k, String key, EndpointStats es,
                               CachedResponse stale, long start) {
        if (k.lookup().onlyIfCached()) {
            Responder.error(req, 504, "not in the cache, and the request said only-if-cached");
            return;
        }
        Context ctx = vertx.getOrCreateContext();
        MultiMap headers = req.headers();
        boolean revalidate = !k.lookup().useStored();
        Coalescer.Call<Fetched> call = core.coalescer.load(key, () -> {
            // the leader checks L1 once more: a load that completed just before this one registered has stored there
            CachedResponse fresh = revalidate ? null : core.l1.get(key);
            if (fresh != null && fresh != stale && fresh.ageMillis(core.clock.millis()) < fresh.ttlMillis) {
                return CompletableFuture.completedFuture(new Fetched(fresh, true, true, null));
            }
            return upstream.fetch(k, key, HttpHeaders.headers().addAll(headers), UpstreamFetch.remoteAddress(req),
                    stale, es);
        });
        if (!call.leader()) {
            es.coalesced.increment();
        }
        call.result().whenComplete((f, err) -> ctx.runOnContext(v -> {
            if (err != null || f.serverError()) {
                es.upstreamErrors.increment();
                long now = core.clock.millis();
                if (stale != null && Freshness.state(stale.ageMillis(now), stale.ttlMillis, stale.swrMillis,
                        stale.sieMillis) != Freshness.State.EXPIRED) {
                    es.stale.increment();
                    Responder.fromCache(req, stale, STALE, stale.ageMillis(now), es, sampled());
                    es.recordHit(System.nanoTime() - start);
                    return;
                }
                if (err != null) {
                    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                            ? err.getCause() : err;
                    if (cause instanceof UpstreamFetch.GateFullException) {
                        Responder.reject(req);
                    } else {
                        Responder.error(req, 502, "upstream unavailable: " + cause.getMessage());
                    }
                    return;
                }
            }
            if (f.stream() != null) {
                if (call.leader()) {
                    es.misses.increment();
                    Responder.pipe(req, f.stream(), MISS, k.perUser())
                            .onComplete(x -> es.recordMiss(System.nanoTime() - start));
                } else {
                    upstream.forward(req, k.forwarded(), MISS, k.perUser(), es, start, null);
                }
                return;
            }
            if (!f.shareable() && !call.leader()) {
                upstream.forward(req, k.forwarded(), MISS, k.perUser(), es, start, null);
                return;
            }
            es.misses.increment();
            if (!f.stored()) {
                es.notStored.increment();
            }
            Responder.fromCache(req, f.response(), MISS, 0, es, sampled());
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
        KeyedRequest k = new KeyedRequest(KeyedRequest.Route.CACHE, null, policy, false, null, key,
                CachePolicy.Lookup.DEFAULT);
        EndpointStats es = core.stats.endpoint(policy.path());
        long epoch = core.purgeEpoch();
        CompletableFuture<CachedResponse> fromL2 = core.l2Available()
                ? core.l2.get(key).toCompletableFuture() : CompletableFuture.completedFuture(null);
        return fromL2.thenCompose(e -> {
            long now = core.clock.millis();
            if (e != null && e.key.equals(key) && e.ageMillis(now) < e.ttlMillis && core.purgeEpoch() == epoch) {
                e.refreshAt = core.refreshAhead.refreshAtMillis(e.ttlMillis);
                core.l1.put(e);
                return CompletableFuture.completedFuture(true);
            }
            return core.coalescer.load(key, () -> upstream.fetch(k, key, HttpHeaders.headers(), null, null, es))
                    .result().thenApply(f -> {
                        if (f.stream() != null) {
                            Responder.abandon(f.stream()); // a stream is never stored, and nobody reads this one
                        }
                        return f.stored();
                    });
        });
    }
}

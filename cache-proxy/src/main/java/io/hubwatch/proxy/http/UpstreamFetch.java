package io.hubwatch.proxy.http;

import io.hubwatch.proxy.cache.CacheKeys;
import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.config.EndpointPolicy;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.http.internal.HopHeaders;
import io.hubwatch.proxy.policy.CachePolicy;
import io.hubwatch.proxy.profile.Phase;
import io.hubwatch.proxy.stats.EndpointStats;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

/**
 * The upstream side: one buffered GET for the cache (built into a {@link CachedResponse} and stored as
 * {@link CachePolicy} decides), or a request piped through unbuffered. Both go through the upstream gate, and both
 * record their phases (queue, connect, first byte, transfer) for the profiler.
 *
 * <pre>{@code
 * UpstreamFetch upstream = new UpstreamFetch(vertx, core, client);
 * upstream.fetch(keyed, key, requestHeaders, remoteAddress, previousOrNull, endpointStats).thenAccept(...);
 * }</pre>
 */
final class UpstreamFetch {

    /** Thrown into a coalesced result when the upstream queue is full. */
    static final class GateFullException extends RuntimeException {
        GateFullException() {
            super("upstream queue full", null, false, false);
        }
    }

    private final Vertx vertx;
    private final ProxyCore core;
    private final ProxyConfig config;
    private final HttpClient client;
    private final String upstreamHost;
    private final int upstreamPort;
    private final boolean upstreamSsl;

    UpstreamFetch(Vertx vertx, ProxyCore core, HttpClient client) {
        this.vertx = vertx;
        this.core = core;
        this.config = core.config;
        this.client = client;
        this.upstreamSsl = "https".equalsIgnoreCase(config.upstream().getScheme());
        this.upstreamHost = config.upstream().getHost();
        this.upstreamPort = config.upstream().getPort() > 0 ? config.upstream().getPort() : upstreamSsl ? 443 : 80;
    }

    private RequestOptions options(HttpMethod method, String target) {
        return new RequestOptions().setMethod(method).setHost(upstreamHost).setPort(upstreamPort).setSsl(upstreamSsl)
                .setURI(target).setTimeout(config.upstreamTimeout().toMillis());
    }

    /**
     * One upstream GET of {@code k.forwarded()} for the cache, under the gate: buffered and (if the policy allows)
     * stored under {@code key}, or handed back paused when it is a stream. Runs on whatever thread the gate hands the
     * slot on; Vert.x calls back on the client's context.
     */
    CompletableFuture<Fetched> fetch(KeyedRequest k, String key, MultiMap requestHeaders, String remote,
                                     CachedResponse previous, EndpointStats es) {
        CompletableFuture<Fetched> result = new CompletableFuture<>();
        long epoch = core.purgeEpoch();
        long queued = System.nanoTime();
        Runnable task = () -> {
            long slot = System.nanoTime();
            es.time(Phase.UPSTREAM_QUEUE, slot - queued);
            client.request(options(HttpMethod.GET, k.forwarded())).compose(creq -> {
                long connected = System.nanoTime();
                es.time(Phase.UPSTREAM_CONNECT, connected - slot);
                copyRequestHeaders(requestHeaders, creq.headers(), remote);
                // the cache asks for identity and compresses itself; conditionals would leave it without a body
                creq.headers().remove(HttpHeaders.ACCEPT_ENCODING).remove(HttpHeaders.IF_NONE_MATCH)
                        .remove(HttpHeaders.IF_MODIFIED_SINCE);
                return creq.send().onSuccess(r -> es.time(Phase.UPSTREAM_FIRST_BYTE, System.nanoTime() - connected));
            }).onComplete(ar -> {
                if (ar.failed()) {
                    core.gate.release();
                    result.completeExceptionally(ar.cause());
                    return;
                }
                HttpClientResponse resp = ar.result();
                long headers = System.nanoTime();
                if (isStream(resp)) {
                    resp.pause();
                    resp.end().onComplete(x -> {
                        es.time(Phase.UPSTREAM_TRANSFER, System.nanoTime() - headers);
                        core.gate.release();
                    });
                    result.complete(new Fetched(null, false, false, resp));
                    return;
                }
                resp.body().onComplete(body -> {
                    es.time(Phase.UPSTREAM_TRANSFER, System.nanoTime() - headers);
                    core.gate.release();
                    if (body.failed()) {
                        result.completeExceptionally(body.cause());
                        return;
                    }
                    try {
                        result.complete(build(resp, body.result(), k, key, previous, requestHeaders, epoch, es));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
            });
        };
        if (!core.gate.enter(task)) {
            core.stats.rejected.increment();
            es.rejected.increment();
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

    private Fetched build(HttpClientResponse resp, Buffer body, KeyedRequest k, String key, CachedResponse previous,
                          MultiMap requestHeaders, long epoch, EndpointStats es) {
        int status = resp.statusCode();
        MultiMap h = resp.headers();
        long now = core.clock.millis();
        CachePolicy.Decision d = CachePolicy.decide(k.policyRequest(requestHeaders, now), status, h);
        EndpointPolicy policy = k.policy();
        boolean storable = d.stored();
        byte[] bytes = body.getBytes();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        long hash = crc.getValue() ^ ((long) bytes.length << 32);

        String storeKey = key;
        if (storable && !d.vary().isEmpty()) {
            // Vary'd: stored under the key plus this request's values of the named headers; later requests find
            // the names in the index and build the same key
            int mark = key.indexOf(CacheKeys.VARY_MARK);
            String baseKey = mark < 0 ? key : key.substring(0, mark);
            core.learnVary(baseKey, d.vary());
            storeKey = ProxyHandler.varyKey(baseKey, d.vary(), requestHeaders);
        }
        CachedResponse.Builder b = CachedResponse.builder(storeKey, policy.path())
                .status(status).body(bytes).bodyHash(hash)
                .timing(now, storable ? d.ttlMillis() : policy.ttl().toMillis(),
                        policy.staleWhileRevalidate().toMillis(), policy.staleIfError().toMillis());
        boolean perUser = k.perUser();
        if (storable) {
            for (Map.Entry<String, String> e : h) {
                if (HopHeaders.isStored(e.getKey()) && !(perUser && e.getKey().equalsIgnoreCase("cache-control"))) {
                    b.header(e.getKey(), e.getValue());
                }
            }
            String etag = h.get(HttpHeaders.ETAG);
            b.etag(etag != null ? etag : "\"" + Long.toHexString(hash) + "\"");
            b.vary(d.vary());
            List<String> tags = new ArrayList<>(policy.tags());
            addTags(tags, h.get("Cache-Tag"), ",");
            addTags(tags, h.get("Surrogate-Key"), " ");
            b.tags(tags);
            if (bytes.length >= config.compressMinBytes()
                    && ContentCoding.compressible(h.get(HttpHeaders.CONTENT_TYPE))) {
                long c0 = System.nanoTime();
                b.compressed(ContentCoding.gzip(bytes), ContentCoding.brotli(bytes));
                es.time(Phase.COMPRESSION, System.nanoTime() - c0);
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
                if (!HopHeaders.isHopByHop(n) && !n.equalsIgnoreCase("content-length")
                        && !(perUser && n.equalsIgnoreCase("cache-control"))) {
                    b.header(n, e.getValue());
                }
            }
        }
        if (perUser) {
            b.header("Cache-Control", Responder.privateCacheControl(h.getAll(HttpHeaders.CACHE_CONTROL)));
        }
        CachedResponse r = b.build();
        if (storable && core.purgeEpoch() != epoch) {
            // fetched across a purge: serve it to those waiting, but do not keep what may predate the purge
            storable = false;
        }
        if (storable) {
            noteChange(previous != null ? previous : core.l1.get(storeKey), r, es);
            r.refreshAt = core.refreshAhead.refreshAtMillis(r.ttlMillis);
            core.store(r);
        }
        return new Fetched(r, storable, d.shareWithWaiters(), null);
    }

    private static void noteChange(CachedResponse previous, CachedResponse now, EndpointStats es) {
        if (previous != null) {
            (previous.bodyHash == now.bodyHash ? es.unchanged : es.changed).increment();
        }
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

    static void copyRequestHeaders(MultiMap from, MultiMap to, String remote) {
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
     * Pipes the request to the upstream as {@code target} and the response back, with backpressure both ways;
     * nothing is buffered whole. {@code onSuccess} runs when the upstream answered 2xx or 3xx.
     */
    void forward(HttpServerRequest req, String target, CharSequence xCache, boolean perUser, EndpointStats es,
                 long start, Runnable onSuccess) {
        if (!req.isEnded()) {
            req.pause();
        }
        Context ctx = vertx.getOrCreateContext();
        long queued = System.nanoTime();
        boolean entered = core.gate.enter(() -> ctx.runOnContext(v -> {
            long slot = System.nanoTime();
            es.time(Phase.UPSTREAM_QUEUE, slot - queued);
            client.request(options(req.method(), target)).onComplete(ar -> {
                if (ar.failed()) {
                    core.gate.release();
                    req.resume();
                    Responder.error(req, 502, "upstream unavailable: " + ar.cause().getMessage());
                    return;
                }
                long connected = System.nanoTime();
                es.time(Phase.UPSTREAM_CONNECT, connected - slot);
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
                        Responder.error(req, 502, "upstream failed: " + rr.cause().getMessage());
                        return;
                    }
                    long headers = System.nanoTime();
                    es.time(Phase.UPSTREAM_FIRST_BYTE, headers - connected);
                    HttpClientResponse resp = rr.result();
                    resp.end().onComplete(x -> core.gate.release());
                    if (onSuccess != null && resp.statusCode() >= 200 && resp.statusCode() < 400) {
                        onSuccess.run();
                    }
                    Responder.pipe(req, resp, xCache, perUser).onComplete(x -> {
                        long end = System.nanoTime();
                        es.time(Phase.UPSTREAM_TRANSFER, end - headers);
                        es.recordOther(end - start);
                    });
                });
            });
        }));
        if (!entered) {
            core.stats.rejected.increment();
            es.rejected.increment();
            req.resume();
            Responder.reject(req);
        }
    }

    static String remoteAddress(HttpServerRequest req) {
        return req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    }
}

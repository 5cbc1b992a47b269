package io.hubwatch.proxy.http;

import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.http.internal.HopHeaders;
import io.hubwatch.proxy.profile.Phase;
import io.hubwatch.proxy.stats.EndpointStats;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;

/**
 * Writes responses to the client: a stored entry (in the encoding the client prefers, 304 on a matching
 * {@code If-None-Match}), an upstream response piped through, or the proxy's own refusals.
 *
 * <pre>{@code
 * Responder.fromCache(req, entry, Responder.HIT, ageMillis, endpointStats, timeThisOne);
 * Responder.error(req, 502, "upstream unavailable: connection refused");
 * }</pre>
 */
final class Responder {

    static final CharSequence X_CACHE = HttpHeaders.createOptimized("x-cache");
    static final CharSequence HIT = HttpHeaders.createOptimized("HIT");
    static final CharSequence MISS = HttpHeaders.createOptimized("MISS");
    static final CharSequence STALE = HttpHeaders.createOptimized("STALE");
    static final CharSequence BYPASS = HttpHeaders.createOptimized("BYPASS");
    static final CharSequence PRIVATE = HttpHeaders.createOptimized("private");
    private static final CharSequence AGE = HttpHeaders.createOptimized("age");
    private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("retry-after");
    private static final CharSequence[] AGES = new CharSequence[3600];

    static {
        for (int i = 0; i < AGES.length; i++) {
            AGES[i] = HttpHeaders.createOptimized(Integer.toString(i));
        }
    }

    private Responder() {
    }

    /**
     * Answers from a stored entry; when {@code timed}, the time it takes is recorded as the endpoint's
     * {@link Phase#RESPONSE_WRITE}.
     */
    static void fromCache(HttpServerRequest req, CachedResponse e, CharSequence xCache, long ageMillis,
                          EndpointStats es, boolean timed) {
        long t0 = timed ? System.nanoTime() : 0;
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
                es.notModified.increment();
                resp.setStatusCode(304).end();
                if (timed) {
                    es.time(Phase.RESPONSE_WRITE, System.nanoTime() - t0);
                }
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
        if (timed) {
            es.time(Phase.RESPONSE_WRITE, System.nanoTime() - t0);
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

    /**
     * Starts sending an upstream response on: status and end-to-end headers now, the body as it arrives (returned
     * future completes when it is all written). A per-user response leaves {@code Cache-Control: private}.
     */
    static io.vertx.core.Future<Void> pipe(HttpServerRequest req, HttpClientResponse resp, CharSequence xCache,
                                           boolean perUser) {
        HttpServerResponse out = req.response();
        out.setStatusCode(resp.statusCode());
        out.setStatusMessage(resp.statusMessage());
        for (Map.Entry<String, String> e : resp.headers()) {
            if (!HopHeaders.isHopByHop(e.getKey())) {
                out.headers().add(e.getKey(), e.getValue());
            }
        }
        if (perUser) {
            out.headers().set(HttpHeaders.CACHE_CONTROL, privateCacheControl(resp.headers().getAll(
                    HttpHeaders.CACHE_CONTROL)));
        }
        if (xCache != null) {
            out.headers().set(X_CACHE, xCache);
        }
        if (resp.getHeader(HttpHeaders.CONTENT_LENGTH) == null && req.method() != HttpMethod.HEAD) {
            out.setChunked(true);
        }
        // A client that leaves (an event-stream reader closing its tab) ends the upstream exchange too: otherwise the
        // upstream goes on streaming into a pipe nobody reads, and the exchange keeps its gate slot for ever. A plain
        // pipeTo would also write the chunks already in flight into the closed response (an error logged each time).
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        if (out.closed()) {
            abandon(resp);
            done.fail("the client closed the connection");
            return done.future();
        }
        out.closeHandler(v -> {
            abandon(resp);
            done.tryFail("the client closed the connection");
        });
        resp.exceptionHandler(e -> {
            if (!out.ended() && !out.closed()) {
                out.reset();
            }
            done.tryFail(e);
        });
        resp.endHandler(v -> {
            if (out.ended() || out.closed()) {
                done.tryFail("the client closed the connection");
            } else {
                out.end().onComplete(done);
            }
        });
        resp.handler(chunk -> {
            if (out.ended() || out.closed()) {
                return; // the client left: abandon() is closing the upstream, the chunks in flight go nowhere
            }
            try {
                out.write(chunk);
                if (out.writeQueueFull()) {
                    resp.pause();
                    out.drainHandler(x -> resp.resume());
                }
            } catch (IllegalStateException closedMeanwhile) {
                abandon(resp);
                done.tryFail(closedMeanwhile);
            }
        });
        resp.resume(); // a response handed over by the cache's fetch comes paused
        return done.future();
    }

    /** Closes an upstream exchange whose response nobody will read (its end then fails, which frees its slot). */
    static void abandon(HttpClientResponse resp) {
        if (!resp.end().isComplete()) {
            resp.request().reset();
        }
    }

    /** What a per-user response says to caches downstream: only the user's own may keep it. */
    static String privateCacheControl(java.util.List<String> upstream) {
        for (String line : upstream) {
            if (line.toLowerCase(java.util.Locale.ROOT).contains("no-store")) {
                return "private, no-store";
            }
        }
        return "private";
    }

    static void reject(HttpServerRequest req) {
        HttpServerResponse r = req.response();
        if (!r.headWritten()) {
            r.setStatusCode(503).putHeader(RETRY_AFTER, "1").putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                    .end("upstream busy, retry shortly\n");
        }
    }

    /**
     * Refuses a request whose framing cannot be trusted and closes the connection: whatever follows its headers is
     * not read as another request.
     */
    static void refuseAndClose(HttpServerRequest req, int status, String message) {
        HttpServerResponse r = req.response();
        r.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .putHeader(HttpHeaders.CONNECTION, "close").end(message + "\n");
        // at once, not when the write completes: by then the decoder may have dispatched a pipelined request
        req.connection().close();
    }

    static void error(HttpServerRequest req, int status, String message) {
        HttpServerResponse r = req.response();
        if (!r.headWritten() && !r.ended()) {
            r.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(message + "\n");
        } else if (!r.ended()) {
            r.reset();
        }
    }
}

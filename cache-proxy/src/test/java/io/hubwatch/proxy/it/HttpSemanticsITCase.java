package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.getBytes;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import io.hubwatch.proxy.ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 9111 behaviour of the cache, compression, streaming and the proxy's own endpoints. */
class HttpSemanticsITCase {

    static final String BIG = "{\"models\":[" + "{\"id\":\"model-%d\",\"owner\":\"hub\",\"ctx\":8192},".repeat(1)
            .formatted(0) + "\"" + "x".repeat(2000) + "\"]}";
    static TestUpstream upstream;
    static ProxyServer proxy;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        upstream.json("/api/v1/models", BIG, 0, "ETag", "\"m1\"");
        upstream.json("/api/v1/models/small", "{\"s\":1}", 0);
        upstream.route("/api/v1/models/missing", req -> req.response().setStatusCode(404).end("gone"));
        upstream.route("/api/v1/models/nostore", req -> req.response().putHeader("Cache-Control", "no-store").end("n"));
        upstream.route("/api/v1/models/lang", req -> req.response().putHeader("Vary", "Accept-Language")
                .end("lang=" + req.getHeader("Accept-Language")));
        upstream.route("/api/v1/config/events", req -> {
            var resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("data: one\n\n");
            upstream.vertx().setTimer(100, t -> resp.write("data: two\n\n"));
            upstream.vertx().setTimer(200, t -> resp.end("data: three\n\n"));
        });
        upstream.route("/api/v1/config", req -> req.response().end(req.method() + " " + System.nanoTime()));
        upstream.route("/other", req -> req.bodyHandler(b -> req.response().putHeader("X-Upstream", "yes")
                .end("echo:" + b.toString())));
        proxy = Proxies.start(Proxies.config(upstream.url(), "redis://127.0.0.1:6379", Map.of(
                "/api/v1/models", Map.of("ttl", "60s", "tags", java.util.List.of("models")),
                "/api/v1/config", Map.of("ttl", "60s")), Map.of()));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void aMatchingIfNoneMatchIsAnswered304WithTheEtag() {
        HttpResponse<String> first = get(proxy, "/api/v1/models?etag=1");
        assertThat(first.headers().firstValue("ETag")).contains("\"m1\"");
        HttpResponse<String> cond = get(proxy, "/api/v1/models?etag=1", "If-None-Match", "\"other\", W/\"m1\"");
        assertThat(cond.statusCode()).isEqualTo(304);
        assertThat(cond.body()).isEmpty();
        assertThat(cond.headers().firstValue("ETag")).contains("\"m1\"");
        assertThat(get(proxy, "/api/v1/models?etag=1", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    }

    @Test
    void anEtagIsMadeWhenTheUpstreamSendsNone() {
        get(proxy, "/api/v1/models/small");
        HttpResponse<String> hit = get(proxy, "/api/v1/models/small");
        String etag = hit.headers().firstValue("ETag").orElseThrow();
        assertThat(get(proxy, "/api/v1/models/small", "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void hitsCarryAgeAndXCache() throws Exception {
        assertThat(xCache(get(proxy, "/api/v1/models?age=1"))).isEqualTo("MISS");
        Thread.sleep(1_100);
        HttpResponse<String> hit = get(proxy, "/api/v1/models?age=1");
        assertThat(xCache(hit)).isEqualTo("HIT");
        assertThat(Integer.parseInt(hit.headers().firstValue("Age").orElseThrow())).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aGzipHitDecompressesToTheOriginalBody() throws Exception {
        get(proxy, "/api/v1/models?gz=1");
        HttpResponse<byte[]> r = getBytes(proxy, "/api/v1/models?gz=1", "Accept-Encoding", "gzip");
        assertThat(xCache(r)).isEqualTo("HIT");
        assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(r.headers().firstValue("Vary").orElse("")).contains("Accept-Encoding");
        assertThat(r.body().length).isLessThan(BIG.length());
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(BIG);
        }
    }

    @Test
    void aBrotliHitDecompressesToTheOriginalBody() throws Exception {
        get(proxy, "/api/v1/models?br=1");
        HttpResponse<byte[]> r = getBytes(proxy, "/api/v1/models?br=1", "Accept-Encoding", "gzip, deflate, br");
        assertThat(r.headers().firstValue("Content-Encoding")).contains("br");
        var decoded = Decoder.decompress(r.body());
        assertThat(decoded.getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
        assertThat(new String(decoded.getDecompressedData(), StandardCharsets.UTF_8)).isEqualTo(BIG);
    }

    @Test
    void smallBodiesAndRefusedCodingsAreSentIdentity() {
        get(proxy, "/api/v1/models/small");
        assertThat(getBytes(proxy, "/api/v1/models/small", "Accept-Encoding", "br, gzip").headers()
                .firstValue("Content-Encoding")).isEmpty();
        HttpResponse<String> r = get(proxy, "/api/v1/models?gz=1", "Accept-Encoding", "br;q=0, gzip;q=0");
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(r.body()).isEqualTo(BIG);
    }

    @Test
    void headIsAnsweredFromTheStoredGetWithoutABody() throws Exception {
        get(proxy, "/api/v1/models?head=1");
        HttpResponse<String> head = Proxies.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.port() + "/api/v1/models?head=1")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(xCache(head)).isEqualTo("HIT");
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).contains(Integer.toString(BIG.length()));
    }

    @Test
    void queryOrderAndDuplicateSlashesShareOneEntry() {
        get(proxy, "/api/v1/models?b=2&a=1");
        assertThat(xCache(get(proxy, "//api/v1/models/?a=1&b=2"))).isEqualTo("HIT");
    }

    @Test
    void nonSuccessAndNoStoreResponsesAreNotStored() {
        get(proxy, "/api/v1/models/missing");
        assertThat(get(proxy, "/api/v1/models/missing").statusCode()).isEqualTo(404);
        assertThat(upstream.count("/api/v1/models/missing")).isEqualTo(2);
        get(proxy, "/api/v1/models/nostore");
        assertThat(xCache(get(proxy, "/api/v1/models/nostore"))).isEqualTo("MISS");
        assertThat(upstream.count("/api/v1/models/nostore")).isEqualTo(2);
    }

    @Test
    void varyHeadersJoinTheKey() {
        assertThat(get(proxy, "/api/v1/models/lang", "Accept-Language", "de").body()).isEqualTo("lang=de");
        assertThat(get(proxy, "/api/v1/models/lang", "Accept-Language", "fr").body()).isEqualTo("lang=fr");
        HttpResponse<String> de = get(proxy, "/api/v1/models/lang", "Accept-Language", "de");
        assertThat(de.body()).isEqualTo("lang=de");
        assertThat(xCache(de)).isEqualTo("HIT");
    }

    @Test
    void anAuthorizedRequestToASharedEndpointBypassesTheCache() {
        get(proxy, "/api/v1/models?auth=1");
        HttpResponse<String> r = get(proxy, "/api/v1/models?auth=1", "Authorization", "Bearer secret");
        assertThat(xCache(r)).isEqualTo("BYPASS");
    }

    @Test
    void serverSentEventsStreamThroughUnbufferedAndUncached() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = Proxies.CLIENT.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + proxy.port() + "/api/v1/config/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        var lines = r.body().iterator();
        long t0 = System.nanoTime();
        assertThat(lines.next()).isEqualTo("data: one");
        long firstMillis = (System.nanoTime() - t0) / 1_000_000;
        java.util.List<String> rest = new java.util.ArrayList<>();
        lines.forEachRemaining(rest::add);
        assertThat(rest).contains("data: two", "data: three");
        // the first event arrived before the upstream finished (200 ms): not buffered whole
        assertThat(firstMillis).isLessThan(150);
        Proxies.get(proxy, "/api/v1/config/events");
        assertThat(upstream.count("/api/v1/config/events")).isEqualTo(2);
    }

    @Test
    void otherPathsPassThroughUntouchedWithTheirBody() throws Exception {
        HttpResponse<String> r = Proxies.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.port() + "/other")).POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("echo:hello");
        assertThat(r.headers().firstValue("X-Upstream")).contains("yes");
        assertThat(r.headers().firstValue("X-Cache")).isEmpty();
    }

    @Test
    void anUnsafeMethodOnACachedEndpointPurgesNothing() throws Exception {
        // only explicit purges purge: anyone may POST, and a POST must not be a way to empty the cache
        String first = get(proxy, "/api/v1/config?unsafe=1").body();
        HttpResponse<String> put = Proxies.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.port() + "/api/v1/config?unsafe=1")).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        HttpResponse<String> after = get(proxy, "/api/v1/config?unsafe=1");
        assertThat(after.body()).isEqualTo(first);
        assertThat(xCache(after)).isEqualTo("HIT");
    }

    @Test
    void statsAdviceAndMetricsAreServed() {
        get(proxy, "/api/v1/models?stats=1");
        get(proxy, "/api/v1/models?stats=1");
        HttpResponse<String> stats = Proxies.admin(proxy, "/_proxy/stats");
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("\"/api/v1/models\"").contains("hits_l1").contains("redis_used_memory_bytes")
                .contains("latency_hit").contains("coalesced_total");
        assertThat(Proxies.admin(proxy, "/_proxy/advice").body()).contains("\"ttl\"").contains("wasteful_keys");
        assertThat(Proxies.admin(proxy, "/_proxy/metrics").body()).contains("hubwatch_proxy_hits_total")
                .contains("endpoint=\"/api/v1/models\"");
    }
}

package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubwatch.proxy.ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and careless clients of the cache proxy, sent as raw bytes (the JDK client would not send them): each gets
 * a clear refusal or the right answer, and costs other clients nothing (no upstream slot held, no poisoned entry).
 */
class HostileHttpITCase {

    static TestUpstream upstream;
    static ProxyServer proxy;
    static final AtomicInteger streamsOpen = new AtomicInteger();

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        // an event stream that never ends while its reader is there (server-sent events)
        upstream.route("/api/v1/events", req -> {
            var resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            streamsOpen.incrementAndGet();
            long timer = upstream.vertx().setPeriodic(20, t -> {
                if (!resp.closed()) {
                    resp.write("data: " + "x".repeat(500) + "\n\n");
                }
            });
            resp.closeHandler(v -> {
                upstream.vertx().cancelTimer(timer);
                streamsOpen.decrementAndGet();
            });
        });
        upstream.route("/api/v1/tenant", req -> req.response().putHeader("Vary", "X-Tenant")
                .end("tenant=" + req.headers().getAll("X-Tenant")));
        upstream.route("/api/v1/models", req -> req.response().end("models"));
        upstream.route("/echo", req -> req.bodyHandler(b -> req.response().end("echo:" + b)));
        proxy = Proxies.start(Proxies.config(upstream.url(), null, Map.of(
                        "/api/v1/events", Map.of("ttl", "60s"), "/api/v1/tenant", Map.of("ttl", "60s"),
                        "/api/v1/models", Map.of("ttl", "60s")),
                Map.of("max_upstream_concurrency", 2, "upstream_queue", 2)));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close();
    }

    /** Sends raw bytes on a fresh connection and reads what comes back until the server closes or goes quiet. */
    static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] b = new byte[4096];
            try {
                for (int n; (n = in.read(b)) > 0; ) {
                    out.write(b, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // keep-alive: what came is the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aStreamWhoseClientLeftIsClosedUpstreamAndGivesBackItsSlot() throws Exception {
        // three readers come and go; with two upstream slots the proxy would be wedged if any kept its slot
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket("127.0.0.1", proxy.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(
                        StandardCharsets.ISO_8859_1));
                assertThat(new String(s.getInputStream().readNBytes(15), StandardCharsets.ISO_8859_1))
                        .isEqualTo("HTTP/1.1 200 OK");
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(streamsOpen.get()).as("upstream streams still open").isZero();
                assertThat(proxy.core().gate.inFlight()).as("upstream slots held").isZero();
            });
        }
        assertThat(get(proxy, "/api/v1/models").body()).isEqualTo("models");
    }

    @Test
    void aVaryHeaderSentTwiceKeysTheEntryByAllItsValues() throws Exception {
        // the upstream answered for both values; a request with the first value alone must not get that answer
        assertThat(raw("GET /api/v1/tenant HTTP/1.1\r\nHost: x\r\nX-Tenant: victim\r\nX-Tenant: attacker\r\n"
                + "Connection: close\r\n\r\n")).contains("tenant=[victim, attacker]");
        var victim = get(proxy, "/api/v1/tenant", "X-Tenant", "victim");
        assertThat(victim.body()).isEqualTo("tenant=[victim]");
        assertThat(xCache(victim)).isEqualTo("MISS");
        assertThat(xCache(get(proxy, "/api/v1/tenant", "X-Tenant", "victim"))).isEqualTo("HIT");
    }

    @Test
    void aTransferEncodingOtherThanChunkedIsRefusedAndTheConnectionClosed() throws Exception {
        // RFC 9112 6.3: without chunked as the final coding the body's length is unknown; the bytes after the
        // headers must not be read as a second request
        for (String te : new String[] {"xchunked", "gzip, chunked", "chunked, identity", "identity"}) {
            String answer = raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\nGET /api/v1/models HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(answer).as(te).startsWith("HTTP/1.1 400 ").contains("Transfer-Encoding")
                    .doesNotContain("models").doesNotContain("echo:");
        }
        assertThat(raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n")).startsWith("HTTP/1.1 200 ").contains("echo:hello");
    }
}

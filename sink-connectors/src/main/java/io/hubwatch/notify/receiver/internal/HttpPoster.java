package io.hubwatch.notify.receiver.internal;

import io.hubwatch.notify.config.Secret;
import io.hubwatch.notify.delivery.TargetGuard;
import io.hubwatch.notify.receiver.DeliveryException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs JSON through Vert.x's HTTP client after the SSRF guard approved the target; connects to the address the guard
 * checked. Blocking: called from delivery threads, never from an event loop.
 */
public final class HttpPoster {
    private final HttpClientAgent client;
    private final TargetGuard guard;
    private final Runnable afterSend;

    public HttpPoster(Vertx vertx, TargetGuard guard) {
        this(vertx, guard, () -> { });
    }

    /**
     * @param afterSend run on the calling thread once the request is under way and before its response is awaited:
     *                  a test stalls the thread there, as the OS does to a delivery thread on a loaded machine
     */
    HttpPoster(Vertx vertx, TargetGuard guard, Runnable afterSend) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setVerifyHost(true),
                new PoolOptions().setHttp1MaxSize(8));
        this.guard = guard;
        this.afterSend = afterSend;
    }

    /** The response of an accepted POST. */
    public record Response(int status, String body) {}

    /**
     * @param secrets redacted from every error message
     * @throws DeliveryException retryable for connection problems, timeouts, 408, 429 and 5xx
     */
    public Response post(Secret url, Map<String, String> headers, byte[] body, Duration timeout, List<Secret> secrets)
            throws DeliveryException {
        URI uri;
        try {
            uri = URI.create(url.reveal().trim());
        } catch (IllegalArgumentException e) {
            throw new DeliveryException("target URL is not valid", false);
        }
        InetAddress address;
        try {
            address = guard.check(uri.getHost());
        } catch (TargetGuard.TargetRefusedException e) {
            throw new DeliveryException(e.getMessage(), false);
        }
        boolean tls = "https".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set("Content-Type", "application/json");
        h.set("User-Agent", "Hubwatch-Notifier/0.1");
        headers.forEach(h::set);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(uri.toString())
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHeaders(h)
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis());
        try {
            // The body is asked for inside send's callback, which runs on the request's event loop in the same task
            // that delivers the response head, so nothing of the response can be processed before it. Chained one
            // level up instead (request().compose(send).compose(body)), that second step was attached by this
            // (blocking, non-Vert.x) thread: when the OS descheduled it between the two calls for longer than the
            // receiver took to answer, body() was called after Vert.x 5.0.7 had processed the response's end, and
            // the end was dropped (vert.x #6038, fixed in 5.0.11): the POST waited for its whole timeout though the
            // answer had arrived, and was retried and delivered twice. Measured with the harness' receiver, 8 threads
            // in bursts pinned to one CPU: 11 of 4,000 POSTs lost before, 0 of 4,000 after (docs/decisions.md).
            Future<Response> exchange = exchange(options, body);
            afterSend.run();
            Response response = exchange
                    .toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int s = response.status();
            if (s >= 200 && s < 300) {
                return response;
            }
            boolean retry = s == 408 || s == 429 || s >= 500;
            String excerpt = response.body().length() > 200 ? response.body().substring(0, 200) + "…" : response.body();
            throw new DeliveryException(redact("HTTP " + s + " from " + uri.getHost() + ": " + excerpt.strip(), secrets), retry);
        } catch (TimeoutException e) {
            throw new DeliveryException("no response from " + uri.getHost() + " within " + timeout.toMillis() + " ms", true);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            String why = c instanceof java.net.ConnectException ? "connection refused"
                    : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " " + c.getMessage());
            throw new DeliveryException(redact("cannot reach " + uri.getHost() + ":" + port + ": " + why, secrets), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted (notifier stopping)", true);
        }
    }

    /**
     * One POST through this client to {@code http://host:port/health} (the notifier's own HTTP server), answered and
     * read to its end. A fresh process loads and links the client's connection pool, Netty's connect and HTTP codec and
     * the response parser on its first request, most of what made the first delivery after a start take 0.52-0.94 s
     * against a median of 8 ms (benchmarks/results/alert-latency.md, session 7). Nothing goes to any receiver; the
     * connection stays in the pool of that address only.
     *
     * <pre>{@code
     * poster.warmUp("127.0.0.1", ownHttpServer.actualPort(), Duration.ofSeconds(10));
     * }</pre>
     *
     * @throws Exception when the request fails or takes longer than {@code timeout}
     */
    public void warmUp(String host, int port, Duration timeout) throws Exception {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set("Content-Type", "application/json");
        h.set("User-Agent", "Hubwatch-Notifier/0.1 (warm-up)");
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/health")
                .setServer(SocketAddress.inetSocketAddress(port, host))
                .setHeaders(h)
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis());
        exchange(options, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toCompletionStage().toCompletableFuture()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The request, its body and the whole answer. The body is asked for inside send's callback, on the event loop that
     * delivers the response head (see {@link #post}): asked for later, Vert.x 5.0.7 could drop the response's end.
     */
    private Future<Response> exchange(RequestOptions options, byte[] body) {
        return client.request(options)
                .compose(req -> req.send(Buffer.buffer(body))
                        .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString()))));
    }

    private static String redact(String text, List<Secret> secrets) {
        String out = text;
        for (Secret s : secrets) {
            if (s != null) {
                out = s.redact(out);
            }
        }
        return out;
    }

    public void close() {
        client.close();
    }
}

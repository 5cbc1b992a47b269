package io.hubwatch.collector.ingest;

import io.hubwatch.collector.ingest.internal.BeaconScript;
import io.hubwatch.collector.ingest.internal.GatewayHandler;
import io.hubwatch.collector.ingest.internal.IngestPublisher;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.net.URI;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The ingest gateway: HTTP endpoints that validate events and publish them to Kafka, answering 202 once Kafka has
 * them. {@code POST /v1/api-calls} ({@link io.hubwatch.events.ApiCallEvent}s to {@code api-calls}),
 * {@code POST /v1/beacons} (browser {@link io.hubwatch.events.WebVitalEvent}s, text/plain accepted, CORS) to
 * {@code web-vitals}, {@code POST /v1/metrics} ({@link io.hubwatch.events.MetricEvent}s to {@code metrics}); plus
 * {@code GET /beacon.js} and {@code GET /health}. Every POST needs an ingest key: a server key for everything, or a
 * beacon key (public, in page source) for beacons only (403 otherwise); each key has a token-bucket rate limit in
 * events per second (429 with Retry-After) that refused requests pay too; bodies and batches over the limits get 413;
 * a batch with bad events keeps the good ones and names each bad one (index and field: strings with control
 * characters or over their length, timestamps more than the allowed skew ahead of the gateway's clock), and the bad
 * ones go to {@code dead-letter}.
 *
 * <pre>{@code
 * try (IngestGateway gateway = IngestGateway.start(IngestConfig.of("localhost:9092", Map.of(key, "shop")))) {
 *     // curl -H "X-Hubwatch-Key: $key" -d '[{...}]' gateway.address() + "/v1/api-calls"
 * }
 * }</pre>
 */
public final class IngestGateway implements AutoCloseable {
    private final Vertx vertx;
    private final IngestPublisher publisher;
    private final GatewayHandler handler;
    private final URI address;

    private IngestGateway(Vertx vertx, IngestPublisher publisher, GatewayHandler handler, URI address) {
        this.vertx = vertx;
        this.publisher = publisher;
        this.handler = handler;
        this.address = address;
    }

    /**
     * Binds and starts serving. Kafka need not be up yet: requests then wait for it and fail with 503 after a while.
     *
     * @throws IllegalStateException naming the address when it cannot be bound
     */
    public static IngestGateway start(IngestConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * As {@link #start(IngestConfig)}, with the clock that event times are checked against and rate limits refill by.
     */
    public static IngestGateway start(IngestConfig config, Clock clock) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setUseDaemonThread(true)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        IngestPublisher publisher = new IngestPublisher(config.bootstrapServers());
        GatewayHandler handler = new GatewayHandler(config, publisher, new BeaconScript(), clock);
        try {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(60))
                    .requestHandler(handler)
                    .listen(config.port(), config.host())
                    .await(10, TimeUnit.SECONDS);
            String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
            return new IngestGateway(vertx, publisher, handler, URI.create("http://" + host + ":" + server.actualPort()));
        } catch (Exception e) {
            publisher.close();
            vertx.close();
            throw new IllegalStateException("could not serve the ingest gateway on " + config.host() + ":" + config.port()
                    + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    /** Where it serves, e.g. {@code http://127.0.0.1:8088}. */
    public URI address() {
        return address;
    }

    public IngestStats stats() {
        return handler.stats();
    }

    /** Stops taking requests, then lets Kafka acknowledge what it was given (up to about 3 s). */
    @Override
    public void close() {
        try {
            vertx.close().await(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: daemon threads
        }
        publisher.close();
    }
}

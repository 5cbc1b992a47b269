package io.hubwatch.proxy;

import io.hubwatch.proxy.cache.CacheKeys;
import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.cache.L1Cache;
import io.hubwatch.proxy.cache.RedisTier;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.http.AdminRoutes;
import io.hubwatch.proxy.http.ContentCoding;
import io.hubwatch.proxy.http.ProxyCore;
import io.hubwatch.proxy.http.ProxyHandler;
import io.hubwatch.proxy.stats.ProxyStats;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache proxy service: a reverse proxy to one upstream with an L1 (Caffeine) and L2 (Redis) response cache.
 *
 * <pre>{@code
 * try (ProxyServer proxy = ProxyServer.start(ProxyConfigLoader.load(Path.of("proxy.yaml")))) {
 *     System.out.println("listening on " + proxy.port());
 *     proxy.awaitWarmup();
 * }
 * }</pre>
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final Vertx vertx;
    private final ProxyCore core;
    private final AtomicInteger port = new AtomicInteger();
    private final AtomicInteger adminPort = new AtomicInteger(-1);
    private final String adminToken;
    private final CompletableFuture<Integer> warmup = new CompletableFuture<>();
    private volatile ProxyHandler backgroundHandler;
    private long hotKeysTimer = -1;

    private ProxyServer(ProxyConfig config, java.time.InstantSource clock) {
        this.config = config;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setWorkerPoolSize(2)
                .setPreferNativeTransport(true));
        ProxyStats stats = new ProxyStats();
        L1Cache l1 = new L1Cache(config.l1MaxBytes(), clock);
        ProxyCore[] holder = new ProxyCore[1];
        RedisTier l2 = config.redis() == null ? null : new RedisTier(config.redis(), config.redisKeyPrefix(),
                config.redisTimeout(), inv -> holder[0].applyRemote(inv), clock);
        this.core = new ProxyCore(config, l1, l2, stats, clock);
        holder[0] = core;
        this.adminToken = config.adminToken() != null ? config.adminToken()
                : config.adminListen() != null ? null : drawAdminToken(config.adminTokenFile());
        for (var p : config.endpoints().values()) {
            stats.endpoint(p.path());
            L1Cache.Usage u = l1.usageOf(p.path());
            stats.gauge("hubwatch_proxy_l1_keys", Tags.of("endpoint", p.path()), u.keys::get);
            stats.gauge("hubwatch_proxy_l1_bytes", Tags.of("endpoint", p.path()), u.bytes::get);
        }
        stats.gauge("hubwatch_proxy_l1_evictions", Tags.empty(), l1::evictions);
        if (l2 != null) {
            stats.gauge("hubwatch_proxy_redis_used_memory_bytes", Tags.empty(), l2::usedMemory);
            stats.gauge("hubwatch_proxy_l2_available", Tags.empty(), () -> core.l2Available() ? 1 : 0);
        }
    }

    /**
     * A random admin token, written owner-readable only to {@code file} (never logged: whoever may purge reads the
     * file).
     */
    private static String drawAdminToken(Path file) {
        byte[] raw = new byte[24];
        new java.security.SecureRandom().nextBytes(raw);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, token + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not write the admin token to {} ({}): the admin routes cannot be used until admin_token "
                    + "is configured", file, e.getMessage());
        }
        return token;
    }

    /** Starts the proxy and begins the warm-up; returns once it listens. Throws with a clear message if it cannot. */
    public static ProxyServer start(ProxyConfig config) {
        return start(config, java.time.InstantSource.system());
    }

    /** Starts the proxy with the clock its freshness and ages are read from (tests drive time with their own). */
    public static ProxyServer start(ProxyConfig config, java.time.InstantSource clock) {
        ProxyServer server = new ProxyServer(config, clock);
        try {
            server.deploy();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void deploy() {
        if (!ContentCoding.brotliAvailable()) {
            LOG.warn("brotli native library did not load: responses are offered in gzip and identity only");
        }
        HttpServerOptions serverOptions = new HttpServerOptions().setHost(config.listenHost())
                .setPort(config.listenPort()).setTcpNoDelay(true).setIdleTimeout(120).setCompressionSupported(false);
        try {
            // one server per event loop on the same address; Vert.x spreads connections over them (with port 0,
            // all instances share the one random port)
            vertx.deployVerticle(() -> new VerticleBase() {
                        @Override
                        public Future<?> start() {
                            HttpClient client = upstreamClient(vertx);
                            ProxyHandler handler = new ProxyHandler(vertx, core, client,
                                    config.adminListen() == null ? new AdminRoutes(core, adminToken) : null);
                            backgroundHandler = handler;
                            return vertx.createHttpServer(serverOptions).requestHandler(handler).listen()
                                    .onSuccess(s -> port.set(s.actualPort()));
                        }
                    }, new DeploymentOptions().setInstances(config.eventLoops()))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("proxy could not listen on " + config.listenHost() + ":"
                    + config.listenPort() + ": " + cause.getMessage(), cause);
        }
        if (config.adminListen() != null) {
            String al = config.adminListen();
            int c = al.lastIndexOf(':');
            try {
                HttpServer admin = vertx.createHttpServer(new HttpServerOptions().setHost(al.substring(0, c))
                                .setPort(Integer.parseInt(al.substring(c + 1))))
                        .requestHandler(new AdminRoutes(core, adminToken)).listen()
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                adminPort.set(admin.actualPort());
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new IllegalStateException("proxy admin listener could not listen on " + al + ": "
                        + cause.getMessage(), cause);
            }
        }
        LOG.info("cache proxy listening on {}:{} for upstream {}; admin routes {}", config.listenHost(), port.get(),
                ProxyConfig.redacted(config.upstream()), adminDescription());
        vertx.runOnContext(v -> startWarmup());
        if (config.hotKeysFile() != null) {
            hotKeysTimer = vertx.setPeriodic(60_000, id -> vertx.executeBlocking(() -> {
                recordHotKeys();
                return null;
            }));
        }
    }

    private HttpClient upstreamClient(Vertx vertx) {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.upstreamTimeout().toMillis()))
                .setPipelining(false);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.maxUpstreamConcurrency())
                .setMaxWaitQueueSize(-1);
        return vertx.createHttpClient(options, pool);
    }

    private void startWarmup() {
        Set<String> targets = new LinkedHashSet<>(config.warmupPaths());
        if (config.hotKeysFile() != null && Files.isReadable(config.hotKeysFile())) {
            try {
                for (String line : Files.readAllLines(config.hotKeysFile())) {
                    if (line.startsWith("/")) {
                        targets.add(line.trim());
                    }
                }
            } catch (IOException e) {
                LOG.warn("could not read hot keys from {}: {}", config.hotKeysFile(), e.getMessage());
            }
        }
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (String t : targets) {
            all.add(backgroundHandler.warm(t).exceptionally(e -> false));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            int warmed = (int) all.stream().filter(f -> f.getNow(false)).count();
            LOG.info("warm-up: {} of {} targets cached", warmed, targets.size());
            warmup.complete(warmed);
        });
    }

    /** Waits for the start-up warm-up and returns how many targets it cached. */
    public int awaitWarmup() {
        try {
            return warmup.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            return 0;
        }
    }

    /** Records the hottest shared keys so the next start warms them. */
    public void recordHotKeys() {
        Path file = config.hotKeysFile();
        if (file == null) {
            return;
        }
        List<String> lines = core.l1.entries().stream()
                .filter(e -> !CacheKeys.isPerUser(e.key) && !e.key.contains(CacheKeys.VARY_MARK) && e.hits > 0)
                .sorted(Comparator.comparingLong((CachedResponse e) -> e.hits).reversed())
                .limit(config.hotKeys())
                .map(e -> CacheKeys.target(e.key))
                .toList();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, lines);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not record hot keys in {}: {}", file, e.getMessage());
        }
    }

    public int port() {
        return port.get();
    }

    /** The admin listener's port, or -1 when the admin routes are on the main listener. */
    public int adminPort() {
        return adminPort.get();
    }

    /** The bearer token of the admin routes (null: none needed, on a separate admin listener). Never logged. */
    public String adminToken() {
        return adminToken;
    }

    /** Where the admin routes are and what they need, without the token itself: for start lines. */
    public String adminDescription() {
        String where = config.adminListen() != null ? "on " + config.adminListen().substring(0, config.adminListen().lastIndexOf(':') + 1) + adminPort.get()
                : "under /_proxy/";
        String auth = adminToken == null ? "no token" : config.adminToken() != null ? "the configured admin_token"
                : "the token in " + config.adminTokenFile();
        return where + " (" + auth + ")";
    }

    public ProxyCore core() {
        return core;
    }

    public ProxyConfig config() {
        return config;
    }

    /** Records hot keys, stops listening, flushes buffered L2 writes, closes Redis. */
    @Override
    public void close() {
        if (hotKeysTimer >= 0) {
            vertx.cancelTimer(hotKeysTimer);
        }
        recordHotKeys();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("vert.x did not close cleanly: {}", e.toString());
        }
        core.close();
    }
}

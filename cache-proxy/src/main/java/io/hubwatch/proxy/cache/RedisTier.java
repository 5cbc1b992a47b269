package io.hubwatch.proxy.cache;

import io.hubwatch.proxy.cache.internal.EntryCodec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared level: Redis through lettuce's async API, plus the invalidation channel that carries purges to the other
 * proxy instances. Redis being down is a normal state here: every call then answers "absent" at once (commands are
 * rejected while disconnected, never queued), lettuce reconnects in the background, and a first connection that
 * failed at start is retried every second.
 *
 * <pre>{@code
 * RedisTier l2 = new RedisTier(URI.create("redis://127.0.0.1:6379"), "hubwatch:proxy:", Duration.ofMillis(250),
 *         msg -> applyPurgeLocally(msg));
 * l2.get(key).thenAccept(entryOrNull -> ...);
 * }</pre>
 */
public final class RedisTier implements AutoCloseable {

    /** A purge seen on the channel: kind k (key), p (path prefix) or t (tag). */
    public record Invalidation(char kind, String value) {}

    private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);

    private final String prefix;
    private final String channel;
    private final String instanceId = UUID.randomUUID().toString();
    private final RedisClient client;
    private final RedisURI uri;
    private final Consumer<Invalidation> onInvalidation;
    private final ScheduledExecutorService connector;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private final java.time.InstantSource clock;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile long downUntil;
    private volatile boolean closed;
    private final AtomicLong usedMemory = new AtomicLong(-1);
    private final LongAdder errors = new LongAdder();
    private final LongAdder droppedWrites = new LongAdder();

    public RedisTier(URI redis, String keyPrefix, Duration timeout, Consumer<Invalidation> onInvalidation) {
        this(redis, keyPrefix, timeout, onInvalidation, java.time.InstantSource.system());
    }

    /** @param clock the clock entries' {@code storedAt} was read from: their Redis expiry is computed on it */
    public RedisTier(URI redis, String keyPrefix, Duration timeout, Consumer<Invalidation> onInvalidation,
                     java.time.InstantSource clock) {
        this.clock = clock;
        this.prefix = keyPrefix;
        this.channel = keyPrefix + "invalidate";
        this.onInvalidation = onInvalidation;
        this.uri = RedisURI.create(redis.toString());
        uri.setTimeout(timeout);
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(500)))
                .ioThreadPoolSize(1)
                .computationThreadPoolSize(1)
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while Redis is away a command fails at once instead of waiting in a queue: the request goes on
                // with L1 and the upstream
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-tier");
            t.setDaemon(true);
            return t;
        });
        connector.execute(this::connect);
        connector.scheduleWithFixedDelay(this::refreshMemory, 1, 5, TimeUnit.SECONDS);
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            if (connection == null) {
                connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                LOG.info("L2 Redis connected at {}", uri.getHost() + ":" + uri.getPort());
            }
            if (pubSub == null) {
                StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub();
                ps.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String ch, String message) {
                        handle(message);
                    }
                });
                ps.sync().subscribe(channel);
                pubSub = ps;
            }
        } catch (RuntimeException e) {
            LOG.warn("L2 Redis at {}:{} not reachable ({}); serving from L1 and upstream, retrying",
                    uri.getHost(), uri.getPort(), e.getMessage());
            try {
                connector.schedule(this::connect, 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    private void handle(String message) {
        int a = message.indexOf('\t');
        int b = message.indexOf('\t', a + 1);
        if (a < 0 || b < 0 || message.startsWith(instanceId)) {
            return; // our own purge was applied locally already
        }
        onInvalidation.accept(new Invalidation(message.charAt(a + 1), message.substring(b + 1)));
    }

    /** Whether L2 is worth asking now. */
    /** Whether this instance listens to other instances' purges (subscribed to the invalidation channel). */
    public boolean subscribed() {
        return pubSub != null;
    }

    public boolean available() {
        StatefulRedisConnection<String, byte[]> c = connection;
        return c != null && c.isOpen() && System.currentTimeMillis() >= downUntil;
    }

    private RedisAsyncCommands<String, byte[]> commands() {
        return connection.async();
    }

    private <T> T failed(Throwable e, T fallback) {
        errors.increment();
        // a timeout means Redis hangs rather than refuses: stop asking for a moment instead of paying it per request
        downUntil = System.currentTimeMillis() + 1000;
        return fallback;
    }

    /** The entry under a key, or null when absent, undecodable or L2 is away. */
    public CompletionStage<CachedResponse> get(String key) {
        if (!available()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return commands().get(prefix + "k:" + key)
                    .thenApply(bytes -> bytes == null ? null : EntryCodec.decode(bytes))
                    .exceptionally(e -> failed(e, null));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(e, null));
        }
    }

    /** Writes a batch (the write-behind flusher). With L2 away the batch is dropped: L2 is a cache, not a store. */
    public CompletionStage<Void> putAll(Map<String, CachedResponse> batch) {
        if (!available()) {
            droppedWrites.add(batch.size());
            return CompletableFuture.completedFuture(null);
        }
        long now = clock.millis();
        List<CompletableFuture<?>> all = new ArrayList<>();
        try {
            RedisAsyncCommands<String, byte[]> cmd = commands();
            for (CachedResponse r : batch.values()) {
                long px = r.storedAt + r.retainMillis() - now;
                if (px <= 0) {
                    continue;
                }
                String k = prefix + "k:" + r.key;
                all.add(cmd.set(k, EntryCodec.encode(r), SetArgs.Builder.px(px)).toCompletableFuture());
                for (String tag : r.tags) {
                    String tk = prefix + "t:" + tag;
                    all.add(cmd.sadd(tk, r.key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toCompletableFuture());
                    all.add(cmd.pexpire(tk, px + 60_000).toCompletableFuture());
                }
            }
        } catch (RuntimeException e) {
            droppedWrites.add(batch.size());
            return CompletableFuture.completedFuture(failed(e, null));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> {
                    droppedWrites.add(batch.size());
                    return failed(e, null);
                });
    }

    /** Deletes one key in L2 and tells the other instances. */
    public CompletionStage<Long> purgeKey(String key) {
        if (!available()) {
            return CompletableFuture.completedFuture(-1L);
        }
        // announce only once L2 no longer holds it: an instance that drops its L1 entry must not refill it from L2
        return commands().unlink(prefix + "k:" + key).toCompletableFuture()
                .thenApply(n -> published('k', key, n)).exceptionally(e -> failed(e, -1L));
    }

    /** Deletes every key whose path starts with the prefix (SCAN, never KEYS) and tells the other instances. */
    public CompletionStage<Long> purgePathPrefix(String pathPrefix) {
        if (!available()) {
            return CompletableFuture.completedFuture(-1L);
        }
        String pattern = globEscape(prefix + "k:GET " + pathPrefix) + "*";
        CompletableFuture<Long> done = new CompletableFuture<>();
        scanAndDelete(ScanCursor.INITIAL, ScanArgs.Builder.matches(pattern).limit(500), 0L, done);
        return done.thenApply(n -> published('p', pathPrefix, n)).exceptionally(e -> failed(e, -1L));
    }

    private void scanAndDelete(ScanCursor cursor, ScanArgs args, long deleted, CompletableFuture<Long> done) {
        commands().scan(cursor, args).whenComplete((KeyScanCursor<String> page, Throwable e) -> {
            if (e != null) {
                done.completeExceptionally(e);
                return;
            }
            CompletionStage<Long> del = page.getKeys().isEmpty() ? CompletableFuture.completedFuture(0L)
                    : commands().unlink(page.getKeys().toArray(String[]::new));
            del.whenComplete((n, e2) -> {
                if (e2 != null) {
                    done.completeExceptionally(e2);
                } else if (page.isFinished()) {
                    done.complete(deleted + n);
                } else {
                    scanAndDelete(page, args, deleted + n, done);
                }
            });
        });
    }

    /** Deletes every key carrying the tag and tells the other instances. */
    public CompletionStage<Long> purgeTag(String tag) {
        if (!available()) {
            return CompletableFuture.completedFuture(-1L);
        }
        String tk = prefix + "t:" + tag;
        return commands().smembers(tk).thenCompose(members -> {
            List<String> keys = new ArrayList<>();
            for (byte[] m : members) {
                keys.add(prefix + "k:" + new String(m, java.nio.charset.StandardCharsets.UTF_8));
            }
            keys.add(tk);
            return commands().unlink(keys.toArray(String[]::new)).thenApply(n -> n - 1);
        }).toCompletableFuture().thenApply(n -> published('t', tag, n)).exceptionally(e -> failed(e, -1L));
    }

    private long published(char kind, String value, long deleted) {
        publish(kind, value);
        return deleted;
    }

    private void publish(char kind, String value) {
        commands().publish(channel, (instanceId + "\t" + kind + "\t" + value).getBytes(
                java.nio.charset.StandardCharsets.UTF_8)).exceptionally(e -> failed(e, 0L));
    }

    private static String globEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private void refreshMemory() {
        if (!available()) {
            return;
        }
        try {
            commands().info("memory")
                    .thenAccept(raw -> {
                        for (String line : raw.split("\r\n")) {
                            if (line.startsWith("used_memory:")) {
                                usedMemory.set(Long.parseLong(line.substring(12).trim()));
                            }
                        }
                    });
        } catch (RuntimeException e) {
            errors.increment();
        }
    }

    /** Redis used_memory in bytes as last seen (every 5 s), or -1 if never seen. */
    public long usedMemory() {
        return usedMemory.get();
    }

    public long errorCount() {
        return errors.sum();
    }

    public long droppedWriteCount() {
        return droppedWrites.sum();
    }

    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        try {
            if (pubSub != null) {
                pubSub.close();
            }
            if (connection != null) {
                connection.close();
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}

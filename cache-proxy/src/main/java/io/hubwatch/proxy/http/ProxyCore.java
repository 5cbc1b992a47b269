package io.hubwatch.proxy.http;

import io.hubwatch.proxy.cache.CacheKeys;
import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.cache.L1Cache;
import io.hubwatch.proxy.cache.RedisTier;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.stats.ProxyStats;
import io.hubwatch.proxy.strategy.Coalescer;
import io.hubwatch.proxy.strategy.RefreshAhead;
import io.hubwatch.proxy.strategy.WriteBehind;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What every event loop of one proxy shares: both cache levels, the coalescer, the upstream gate, statistics.
 *
 * <pre>{@code
 * ProxyCore core = new ProxyCore(config, l1, l2OrNull, stats);
 * core.purgeKey("GET /api/v1/models");
 * }</pre>
 */
public final class ProxyCore implements AutoCloseable {

    /** Counts of a purge: entries dropped from this instance's L1 and from L2 (-1 when L2 is away or absent). */
    public record PurgeResult(long l1, long l2) {}

    public final ProxyConfig config;
    public final L1Cache l1;
    /** null when no Redis is configured */
    public final RedisTier l2;
    public final ProxyStats stats;
    public final EndpointMatcher matcher;
    public final Coalescer<String, Fetched> coalescer = new Coalescer<>();
    public final UpstreamGate gate;
    public final RefreshAhead refreshAhead;
    /** how many keys' Vary header names are remembered: one per varying key, evicted least-used first */
    static final int MAX_VARY_KEYS = 100_000;

    /** the time of freshness and ages; tests pass their own */
    public final InstantSource clock;
    /** who a request speaks for, hashed */
    public final Identity identity;
    /** base key to the header names of its upstream Vary, learned from responses; bounded by {@link #MAX_VARY_KEYS} */
    private final Cache<String, List<String>> varyIndex = Caffeine.newBuilder().maximumSize(MAX_VARY_KEYS)
            .executor(Runnable::run).build();
    private volatile boolean anyVary;
    private final WriteBehind<String, CachedResponse> l2Writes;
    private final java.util.concurrent.atomic.AtomicLong purgeEpoch = new java.util.concurrent.atomic.AtomicLong();

    public ProxyCore(ProxyConfig config, L1Cache l1, RedisTier l2, ProxyStats stats) {
        this(config, l1, l2, stats, InstantSource.system());
    }

    public ProxyCore(ProxyConfig config, L1Cache l1, RedisTier l2, ProxyStats stats, InstantSource clock) {
        this.clock = clock;
        this.identity = new Identity(config.identityHeaders(), config.identitySecret());
        this.config = config;
        this.l1 = l1;
        this.l2 = l2;
        this.stats = stats;
        this.matcher = new EndpointMatcher(config.endpoints());
        this.gate = new UpstreamGate(config.maxUpstreamConcurrency(), config.upstreamQueue());
        this.refreshAhead = new RefreshAhead(config.refreshAheadAt(), config.refreshAheadJitter(), 2);
        this.l2Writes = l2 == null ? null : new WriteBehind<>(l2::putAll, config.writeBehindDelay(), 256);
    }

    /** The request header names a key's stored responses vary by, or null (the common case: no look-up at all). */
    public List<String> varyNames(String baseKey) {
        return anyVary ? varyIndex.getIfPresent(baseKey) : null;
    }

    /** Remembers that a key's responses vary by these request headers. */
    public void learnVary(String baseKey, List<String> names) {
        anyVary = true;
        varyIndex.put(baseKey, List.copyOf(names));
    }

    /** How many keys' Vary names are remembered (at most {@link #MAX_VARY_KEYS}). */
    public long varyKeys() {
        varyIndex.cleanUp();
        return varyIndex.estimatedSize();
    }

    /** Stores a response in L1 now and in L2 after the write-behind delay. */
    public void store(CachedResponse r) {
        l1.put(r);
        if (l2Writes != null) {
            l2Writes.write(r.key, r);
        }
    }

    public boolean l2Available() {
        return l2 != null && l2.available();
    }

    /**
     * Bumped by every purge, local or remote. A read of L2 or the upstream that started before a purge and ends after
     * it is not stored in L1 (it may carry what was just purged).
     */
    public long purgeEpoch() {
        return purgeEpoch.get();
    }

    // A purge drops L1 at once and again when L2 is done: a read that refilled L1 from L2 in between is dropped too.
    public CompletionStage<PurgeResult> purgeKey(String key) {
        purgeEpoch.incrementAndGet();
        l1.invalidate(key);
        discardPending((k, r) -> k.equals(key));
        return l2 == null ? done(1, -1) : l2.purgeKey(key).thenApply(n -> {
            purgeEpoch.incrementAndGet();
            l1.invalidate(key);
            return new PurgeResult(1, n);
        });
    }

    public CompletionStage<PurgeResult> purgePrefix(String pathPrefix) {
        purgeEpoch.incrementAndGet();
        int n = l1.invalidatePathPrefix(pathPrefix);
        discardPending((k, r) -> CacheKeys.pathStartsWith(k, pathPrefix));
        return l2 == null ? done(n, -1) : l2.purgePathPrefix(pathPrefix).thenApply(m -> {
            purgeEpoch.incrementAndGet();
            return new PurgeResult(n + l1.invalidatePathPrefix(pathPrefix), m);
        });
    }

    public CompletionStage<PurgeResult> purgeTag(String tag) {
        purgeEpoch.incrementAndGet();
        int n = l1.invalidateTag(tag);
        discardPending((k, r) -> r.tags.contains(tag));
        return l2 == null ? done(n, -1) : l2.purgeTag(tag).thenApply(m -> {
            purgeEpoch.incrementAndGet();
            return new PurgeResult(n + l1.invalidateTag(tag), m);
        });
    }

    /** Applies a purge another instance announced once it had purged L2 (so L1 only here). */
    public void applyRemote(RedisTier.Invalidation inv) {
        purgeEpoch.incrementAndGet();
        switch (inv.kind()) {
            case 'k' -> l1.invalidate(inv.value());
            case 'p' -> l1.invalidatePathPrefix(inv.value());
            case 't' -> l1.invalidateTag(inv.value());
            default -> { }
        }
    }

    /** A buffered L2 write of a purged entry must not reach Redis after the purge. */
    private void discardPending(java.util.function.BiPredicate<String, CachedResponse> match) {
        if (l2Writes != null) {
            l2Writes.discardIf(match);
        }
    }

    private static CompletionStage<PurgeResult> done(long l1, long l2) {
        return CompletableFuture.completedFuture(new PurgeResult(l1, l2));
    }

    public long pendingL2Writes() {
        return l2Writes == null ? 0 : l2Writes.pendingCount();
    }

    /** Flushes buffered L2 writes (none lost on a clean shutdown), then closes L2. */
    @Override
    public void close() {
        if (l2Writes != null) {
            l2Writes.close();
        }
        if (l2 != null) {
            l2.close();
        }
    }
}

package io.hubwatch.proxy.http;

import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.cache.L1Cache;
import io.hubwatch.proxy.cache.RedisTier;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.stats.ProxyStats;
import io.hubwatch.proxy.strategy.Coalescer;
import io.hubwatch.proxy.strategy.RefreshAhead;
import io.hubwatch.proxy.strategy.WriteBehind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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
    /** base key to the header names of its upstream Vary, learned from responses */
    public final Map<String, List<String>> varyIndex = new ConcurrentHashMap<>();
    private final WriteBehind<String, CachedResponse> l2Writes;

    public ProxyCore(ProxyConfig config, L1Cache l1, RedisTier l2, ProxyStats stats) {
        this.config = config;
        this.l1 = l1;
        this.l2 = l2;
        this.stats = stats;
        this.matcher = new EndpointMatcher(config.endpoints());
        this.gate = new UpstreamGate(config.maxUpstreamConcurrency(), config.upstreamQueue());
        this.refreshAhead = new RefreshAhead(config.refreshAheadAt(), config.refreshAheadJitter(), 2);
        this.l2Writes = l2 == null ? null : new WriteBehind<>(l2::putAll, config.writeBehindDelay(), 256);
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

    public CompletionStage<PurgeResult> purgeKey(String key) {
        l1.invalidate(key);
        return l2 == null ? done(1, -1) : l2.purgeKey(key).thenApply(n -> new PurgeResult(1, n));
    }

    public CompletionStage<PurgeResult> purgePrefix(String pathPrefix) {
        int n = l1.invalidatePathPrefix(pathPrefix);
        return l2 == null ? done(n, -1) : l2.purgePathPrefix(pathPrefix).thenApply(m -> new PurgeResult(n, m));
    }

    public CompletionStage<PurgeResult> purgeTag(String tag) {
        int n = l1.invalidateTag(tag);
        return l2 == null ? done(n, -1) : l2.purgeTag(tag).thenApply(m -> new PurgeResult(n, m));
    }

    /** Applies a purge another instance announced (L1 only; that instance purged L2). */
    public void applyRemote(RedisTier.Invalidation inv) {
        switch (inv.kind()) {
            case 'k' -> l1.invalidate(inv.value());
            case 'p' -> l1.invalidatePathPrefix(inv.value());
            case 't' -> l1.invalidateTag(inv.value());
            default -> { }
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

package io.hubwatch.proxy.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-process level: Caffeine (W-TinyLFU admission) bounded in bytes, each entry kept for its TTL plus its stale
 * window. Keeps key count and bytes per endpoint for the statistics.
 *
 * <pre>{@code
 * L1Cache l1 = new L1Cache(256L << 20);
 * l1.put(response);
 * CachedResponse r = l1.get("GET /api/v1/models");
 * }</pre>
 */
public final class L1Cache {

    /** Key count and bytes of one endpoint in L1. */
    public static final class Usage {
        public final AtomicLong keys = new AtomicLong();
        public final AtomicLong bytes = new AtomicLong();
    }

    private final Cache<String, CachedResponse> cache;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private final LongAdder evictions = new LongAdder();

    public L1Cache(long maxBytes) {
        this(maxBytes, java.time.InstantSource.system());
    }

    /** @param clock the clock entries' {@code storedAt} was read from: they are kept for their TTL on it */
    public L1Cache(long maxBytes, java.time.InstantSource clock) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, CachedResponse v) -> v.weight())
                .expireAfter(new Expiry<String, CachedResponse>() {
                    @Override
                    public long expireAfterCreate(String key, CachedResponse v, long currentTime) {
                        long left = v.storedAt + v.retainMillis() - clock.millis();
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(left, 1));
                    }

                    @Override
                    public long expireAfterUpdate(String key, CachedResponse v, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, v, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, CachedResponse v, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                // maintenance on the calling thread: no hand-off to another pool on the hit path of a 1-core proxy
                .executor(Runnable::run)
                .removalListener((String k, CachedResponse v, RemovalCause cause) -> {
                    if (v != null) {
                        Usage u = usageOf(v.endpoint);
                        u.keys.decrementAndGet();
                        u.bytes.addAndGet(-v.weight());
                    }
                    if (cause == RemovalCause.SIZE) {
                        evictions.increment();
                    }
                })
                .build();
    }

    public CachedResponse get(String key) {
        return cache.getIfPresent(key);
    }

    public void put(CachedResponse r) {
        Usage u = usageOf(r.endpoint);
        u.keys.incrementAndGet();
        u.bytes.addAndGet(r.weight());
        cache.put(r.key, r);
    }

    public void invalidate(String key) {
        cache.invalidate(key);
    }

    /** Drops every key whose path starts with the prefix; returns how many. */
    public int invalidatePathPrefix(String pathPrefix) {
        List<String> keys = new ArrayList<>();
        for (String k : cache.asMap().keySet()) {
            if (CacheKeys.pathStartsWith(k, pathPrefix)) {
                keys.add(k);
            }
        }
        cache.invalidateAll(keys);
        return keys.size();
    }

    /** Drops every entry carrying the tag; returns how many. */
    public int invalidateTag(String tag) {
        List<String> keys = new ArrayList<>();
        for (CachedResponse r : cache.asMap().values()) {
            if (r.tags.contains(tag)) {
                keys.add(r.key);
            }
        }
        cache.invalidateAll(keys);
        return keys.size();
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }

    public long estimatedSize() {
        return cache.estimatedSize();
    }

    public long evictions() {
        return evictions.sum();
    }

    public Usage usageOf(String endpoint) {
        return usage.computeIfAbsent(endpoint, e -> new Usage());
    }

    public Map<String, Usage> usage() {
        return usage;
    }

    /** A snapshot of the entries (for advice and the hot-key record; not for the request path). */
    public List<CachedResponse> entries() {
        cache.cleanUp();
        return new ArrayList<>(cache.asMap().values());
    }
}

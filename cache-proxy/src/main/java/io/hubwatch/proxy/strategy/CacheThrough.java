package io.hubwatch.proxy.strategy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Cache-through for any Java value: the strategies the proxy uses, as a library. Concurrent misses of one key make
 * one load ({@link Coalescer}); hot entries are reloaded before they expire ({@link RefreshAhead}); past the TTL a
 * stale value is served while it is revalidated, or when the loader fails ({@link Freshness}).
 *
 * <pre>{@code
 * CacheThrough<String, Model> models = CacheThrough.<String, Model>builder(id -> repo.loadAsync(id))
 *         .freshness(new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofMinutes(10)))
 *         .refreshAhead(new RefreshAhead(0.8, 0.1, 2))
 *         .maximumSize(10_000)
 *         .build();
 * models.get("gpt-x").thenAccept(r -> use(r.value(), r.outcome()));
 * }</pre>
 */
public final class CacheThrough<K, V> {

    public enum Outcome { HIT, MISS, STALE }

    /** A value and how it was obtained. */
    public record Result<V>(V value, Outcome outcome) {}

    private static final class Stamped<V> {
        final V value;
        final long storedAt;
        final long refreshAt;
        final LongAdder hits = new LongAdder();
        final AtomicBoolean refreshing = new AtomicBoolean();

        Stamped(V value, long storedAt, long refreshAt) {
            this.value = value;
            this.storedAt = storedAt;
            this.refreshAt = refreshAt;
        }
    }

    private final Function<K, CompletionStage<V>> loader;
    private final Freshness freshness;
    private final RefreshAhead refreshAhead;
    private final LongSupplier clockMillis;
    private final Cache<K, Stamped<V>> cache;
    private final Coalescer<K, Stamped<V>> coalescer = new Coalescer<>();

    private CacheThrough(Builder<K, V> b) {
        this.loader = b.loader;
        this.freshness = b.freshness;
        this.refreshAhead = b.refreshAhead;
        this.clockMillis = b.clockMillis;
        long retainNanos = Duration.ofMillis(freshness.retainMillis()).toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(b.maximumSize)
                .expireAfter(new Expiry<K, Stamped<V>>() {
                    @Override
                    public long expireAfterCreate(K key, Stamped<V> value, long currentTime) {
                        return retainNanos;
                    }

                    @Override
                    public long expireAfterUpdate(K key, Stamped<V> value, long currentTime, long currentDuration) {
                        return retainNanos;
                    }

                    @Override
                    public long expireAfterRead(K key, Stamped<V> value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    public static <K, V> Builder<K, V> builder(Function<K, CompletionStage<V>> loader) {
        return new Builder<>(loader);
    }

    public CompletionStage<Result<V>> get(K key) {
        long now = clockMillis.getAsLong();
        Stamped<V> entry = cache.getIfPresent(key);
        if (entry != null) {
            long age = now - entry.storedAt;
            entry.hits.increment();
            switch (freshness.state(age)) {
                case FRESH -> {
                    if (refreshAhead.due(age, entry.refreshAt, entry.hits.sum())) {
                        refreshInBackground(key, entry);
                    }
                    return CompletableFuture.completedFuture(new Result<>(entry.value, Outcome.HIT));
                }
                case STALE_REVALIDATE -> {
                    refreshInBackground(key, entry);
                    return CompletableFuture.completedFuture(new Result<>(entry.value, Outcome.STALE));
                }
                case STALE_IF_ERROR -> {
                    return load(key).handle((fresh, error) -> error == null
                            ? new Result<>(fresh.value, Outcome.MISS)
                            : new Result<>(entry.value, Outcome.STALE));
                }
                case EXPIRED -> cache.asMap().remove(key, entry);
            }
        }
        return load(key).thenApply(s -> new Result<>(s.value, Outcome.MISS));
    }

    /** Drops a key; the next get loads it. */
    public void invalidate(K key) {
        cache.invalidate(key);
    }

    public long coalescedLoads() {
        return coalescer.coalescedCount();
    }

    private CompletableFuture<Stamped<V>> load(K key) {
        return coalescer.load(key, () -> loader.apply(key).thenApply(value -> {
            long now = clockMillis.getAsLong();
            Stamped<V> stamped = new Stamped<>(value, now, refreshAhead.refreshAtMillis(freshness.ttl().toMillis()));
            cache.put(key, stamped);
            return stamped;
        })).result();
    }

    private void refreshInBackground(K key, Stamped<V> entry) {
        if (entry.refreshing.compareAndSet(false, true)) {
            // on failure the old entry stays; it is retried by the next reader once the window allows
            load(key).whenComplete((v, e) -> entry.refreshing.set(false));
        }
    }

    /** Builder with the defaults: TTL 60 s, no stale windows, refresh-ahead at 80 % of the TTL, 10,000 entries. */
    public static final class Builder<K, V> {
        private final Function<K, CompletionStage<V>> loader;
        private Freshness freshness = new Freshness(Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO);
        private RefreshAhead refreshAhead = new RefreshAhead(0.8, 0.1, 2);
        private long maximumSize = 10_000;
        private LongSupplier clockMillis = System::currentTimeMillis;

        private Builder(Function<K, CompletionStage<V>> loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        public Builder<K, V> freshness(Freshness freshness) {
            this.freshness = Objects.requireNonNull(freshness);
            return this;
        }

        public Builder<K, V> refreshAhead(RefreshAhead refreshAhead) {
            this.refreshAhead = Objects.requireNonNull(refreshAhead);
            return this;
        }

        public Builder<K, V> maximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
            return this;
        }

        /** A clock for tests that step time by hand. */
        public Builder<K, V> clockMillis(LongSupplier clockMillis) {
            this.clockMillis = Objects.requireNonNull(clockMillis);
            return this;
        }

        public CacheThrough<K, V> build() {
            return new CacheThrough<>(this);
        }
    }
}

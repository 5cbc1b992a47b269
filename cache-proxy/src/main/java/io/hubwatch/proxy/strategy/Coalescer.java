package io.hubwatch.proxy.strategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Request coalescing: any number of concurrent loads of one key make one call to the loader; the others wait for its
 * result. The key is forgotten as soon as the load completes, so a later miss loads again.
 *
 * <pre>{@code
 * Coalescer<String, byte[]> coalescer = new Coalescer<>();
 * Coalescer.Call<byte[]> call = coalescer.load("GET /api/v1/models", () -> fetchFromOrigin());
 * call.result().thenAccept(body -> ...);   // call.leader() tells whether this caller started the load
 * }</pre>
 */
public final class Coalescer<K, V> {

    /** One caller's view of a load: the shared result and whether this caller is the one that started it. */
    public record Call<V>(CompletableFuture<V> result, boolean leader) {}

    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder coalesced = new LongAdder();

    public Call<V> load(K key, Supplier<? extends CompletionStage<V>> loader) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            coalesced.increment();
            return new Call<>(existing, false);
        }
        try {
            loader.get().whenComplete((value, error) -> {
                // forget the key first: a caller arriving after completion must not get an old in-flight result
                inFlight.remove(key, mine);
                if (error != null) {
                    mine.completeExceptionally(error);
                } else {
                    mine.complete(value);
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(key, mine);
            mine.completeExceptionally(e);
        }
        return new Call<>(mine, true);
    }

    /** Whether a load of this key is running now. */
    public boolean isLoading(K key) {
        return inFlight.containsKey(key);
    }

    /** How many callers joined a load started by another caller, since start. */
    public long coalescedCount() {
        return coalesced.sum();
    }

    public int inFlightCount() {
        return inFlight.size();
    }
}

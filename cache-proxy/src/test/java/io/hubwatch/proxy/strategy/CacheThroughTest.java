package io.hubwatch.proxy.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The library form of the strategies, driven by a hand-stepped clock. */
class CacheThroughTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final AtomicInteger loads = new AtomicInteger();
    final AtomicBoolean originDown = new AtomicBoolean();

    CacheThrough<String, String> cache(RefreshAhead ra, Freshness f) {
        return CacheThrough.<String, String>builder(k -> originDown.get()
                        ? CompletableFuture.failedFuture(new IllegalStateException("origin down"))
                        : CompletableFuture.completedFuture(k + "#" + loads.incrementAndGet()))
                .freshness(f).refreshAhead(ra).clockMillis(now::get).build();
    }

    @Test
    void aFreshEntryIsAHitWithoutALoad() {
        var c = cache(RefreshAhead.DISABLED, new Freshness(Duration.ofSeconds(10), null, null));
        assertThat(c.get("k").toCompletableFuture().join().outcome()).isEqualTo(CacheThrough.Outcome.MISS);
        var hit = c.get("k").toCompletableFuture().join();
        assertThat(hit.outcome()).isEqualTo(CacheThrough.Outcome.HIT);
        assertThat(hit.value()).isEqualTo("k#1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aHotEntryIsReloadedBeforeItExpiresSoReadersNeverMiss() {
        var c = cache(new RefreshAhead(0.8, 0.0, 2), new Freshness(Duration.ofSeconds(10), null, null));
        c.get("k").toCompletableFuture().join();
        for (int step = 0; step < 50; step++) {
            now.addAndGet(1_000); // 50 s of reads, one a second, with a 10 s TTL
            assertThat(c.get("k").toCompletableFuture().join().outcome()).isEqualTo(CacheThrough.Outcome.HIT);
        }
        assertThat(loads.get()).isBetween(5, 8);
    }

    @Test
    void staleIfErrorServesTheOldValueInsideTheWindowAndFailsAfterIt() {
        var c = cache(RefreshAhead.DISABLED, new Freshness(Duration.ofSeconds(10), null, Duration.ofSeconds(30)));
        c.get("k").toCompletableFuture().join();
        originDown.set(true);
        now.addAndGet(20_000);
        var stale = c.get("k").toCompletableFuture().join();
        assertThat(stale.outcome()).isEqualTo(CacheThrough.Outcome.STALE);
        assertThat(stale.value()).isEqualTo("k#1");
        now.addAndGet(30_000);
        assertThat(c.get("k").toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void staleWhileRevalidateAnswersAtOnceAndRefreshes() {
        var c = cache(RefreshAhead.DISABLED, new Freshness(Duration.ofSeconds(10), Duration.ofSeconds(5), null));
        c.get("k").toCompletableFuture().join();
        now.addAndGet(12_000);
        var r = c.get("k").toCompletableFuture().join();
        assertThat(r.outcome()).isEqualTo(CacheThrough.Outcome.STALE);
        assertThat(r.value()).isEqualTo("k#1");
        assertThat(c.get("k").toCompletableFuture().join().value()).isEqualTo("k#2");
    }

    @Test
    void freshnessRejectsANonPositiveTtl() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Freshness(Duration.ZERO, null, null))
                .hasMessageContaining("ttl must be positive");
    }
}

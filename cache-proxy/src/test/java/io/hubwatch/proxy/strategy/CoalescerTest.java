package io.hubwatch.proxy.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    @Test
    void concurrentLoadsOfOneKeyCallTheLoaderOnceAndShareItsResult() {
        Coalescer<String, String> c = new Coalescer<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> origin = new CompletableFuture<>();
        List<Coalescer.Call<String>> callers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            callers.add(c.load("k", () -> {
                calls.incrementAndGet();
                return origin;
            }));
        }
        origin.complete("v");
        assertThat(calls).hasValue(1);
        assertThat(callers).allSatisfy(call -> assertThat(call.result().join()).isEqualTo("v"));
        assertThat(callers.stream().filter(Coalescer.Call::leader)).hasSize(1);
        assertThat(c.coalescedCount()).isEqualTo(99);
    }

    @Test
    void aFinishedLoadIsForgottenSoTheNextMissLoadsAgain() {
        Coalescer<String, Integer> c = new Coalescer<>();
        AtomicInteger calls = new AtomicInteger();
        c.load("k", () -> CompletableFuture.completedFuture(calls.incrementAndGet())).result().join();
        c.load("k", () -> CompletableFuture.completedFuture(calls.incrementAndGet())).result().join();
        assertThat(calls).hasValue(2);
        assertThat(c.isLoading("k")).isFalse();
    }

    @Test
    void aFailureReachesEveryWaiterAndIsNotRemembered() {
        Coalescer<String, String> c = new Coalescer<>();
        CompletableFuture<String> origin = new CompletableFuture<>();
        var a = c.load("k", () -> origin);
        var b = c.load("k", () -> origin);
        origin.completeExceptionally(new IllegalStateException("down"));
        assertThat(a.result()).isCompletedExceptionally();
        assertThat(b.result()).isCompletedExceptionally();
        assertThat(c.inFlightCount()).isZero();
    }
}

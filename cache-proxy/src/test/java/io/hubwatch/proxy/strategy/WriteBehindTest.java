package io.hubwatch.proxy.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteBehindTest {

    @Test
    void noBufferedWriteIsLostOnACleanShutdown() {
        Map<Integer, Integer> target = new ConcurrentHashMap<>();
        WriteBehind<Integer, Integer> wb = new WriteBehind<>(batch -> {
            target.putAll(batch);
            return CompletableFuture.completedFuture(null);
        }, Duration.ofHours(1), 1_000_000); // nothing would flush before close
        for (int i = 0; i < 10_000; i++) {
            wb.write(i, i * 2);
        }
        assertThat(target).isEmpty();
        wb.close();
        assertThat(target).hasSize(10_000).containsEntry(9_999, 19_998);
        assertThat(wb.pendingCount()).isZero();
    }

    @Test
    void writesAreFlushedInBatchesAfterTheDelayAndTheLastWriteOfAKeyWins() {
        Map<String, String> target = new ConcurrentHashMap<>();
        AtomicInteger batches = new AtomicInteger();
        try (WriteBehind<String, String> wb = new WriteBehind<>(batch -> {
            batches.incrementAndGet();
            target.putAll(batch);
            return CompletableFuture.completedFuture(null);
        }, Duration.ofMillis(50), 1000)) {
            wb.write("a", "1");
            wb.write("a", "2");
            wb.write("b", "1");
            await().atMost(Duration.ofSeconds(2)).until(() -> target.size() == 2);
            assertThat(target).containsEntry("a", "2");
            assertThat(batches).hasValue(1);
        }
    }

    @Test
    void aFailedBatchIsRetried() {
        Map<String, String> target = new ConcurrentHashMap<>();
        AtomicInteger attempts = new AtomicInteger();
        try (WriteBehind<String, String> wb = new WriteBehind<>(batch -> {
            if (attempts.incrementAndGet() == 1) {
                return CompletableFuture.failedFuture(new IllegalStateException("target down"));
            }
            target.putAll(batch);
            return CompletableFuture.completedFuture(null);
        }, Duration.ofMillis(10), 1000)) {
            wb.write("k", "v");
            await().atMost(Duration.ofSeconds(3)).until(() -> "v".equals(target.get("k")));
            assertThat(wb.failedFlushCount()).isEqualTo(1);
        }
    }
}

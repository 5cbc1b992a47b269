package io.hubwatch.notify.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A body that fails is restarted with doubling waits, reported down meanwhile, and up again once it runs. */
class SupervisedLoopTest {

    @Test
    void aFailingBodyIsRestartedWithExponentialBackoffAndReportsDownUntilItRunsAgain() {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        List<Long> waits = new ArrayList<>();
        List<Boolean> upWhenWaiting = new ArrayList<>();
        SupervisedLoop[] loop = new SupervisedLoop[1];
        loop[0] = new SupervisedLoop("test consumer", () -> {
            int run = runs.incrementAndGet();
            if (run <= 4) {
                throw new IllegalStateException("poll failed #" + run);
            }
            loop[0].markUp();
            running.set(false); // works, then the process stops
        }, Duration.ofSeconds(1), Duration.ofSeconds(5), millis -> {
            waits.add(millis);
            upWhenWaiting.add(loop[0].isUp());
        }, running::get);

        loop[0].run();

        assertThat(runs).hasValue(5);
        assertThat(waits).containsExactly(1_000L, 2_000L, 4_000L, 5_000L);
        assertThat(upWhenWaiting).containsOnly(false);
        assertThat(loop[0].restarts()).isEqualTo(4);
        assertThat(loop[0].isUp()).isTrue();
        assertThat(loop[0].lastError()).isNull();
    }

    @Test
    void theLastErrorIsKeptWhileDownAndTheBackoffStartsOverAfterARecovery() {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        List<Long> waits = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        SupervisedLoop[] loop = new SupervisedLoop[1];
        loop[0] = new SupervisedLoop("test consumer", () -> {
            int run = runs.incrementAndGet();
            if (run == 3) {
                loop[0].markUp();
            }
            if (run == 5) {
                running.set(false);
                return;
            }
            throw new IllegalStateException("boom " + run);
        }, Duration.ofMillis(100), Duration.ofSeconds(10), millis -> {
            waits.add(millis);
            errors.add(loop[0].lastError());
        }, running::get);

        loop[0].run();

        assertThat(waits).containsExactly(100L, 200L, 100L, 200L);
        assertThat(errors).containsExactly("java.lang.IllegalStateException: boom 1", "java.lang.IllegalStateException: boom 2",
                "java.lang.IllegalStateException: boom 3", "java.lang.IllegalStateException: boom 4");
    }
}

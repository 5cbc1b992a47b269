package io.hubwatch.collector.host.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DropOldestBufferTest {

    private static List<Integer> drain(DropOldestBuffer<Integer> buffer) throws InterruptedException {
        List<Integer> out = new ArrayList<>();
        Integer next;
        while ((next = buffer.poll(0, TimeUnit.MILLISECONDS)) != null) {
            out.add(next);
        }
        return out;
    }

    @Test
    void aFullBufferDropsTheOldestAndCountsEveryDrop() throws InterruptedException {
        DropOldestBuffer<Integer> buffer = new DropOldestBuffer<>(3);
        int droppedNow = 0;
        for (int i = 1; i <= 7; i++) {
            droppedNow += buffer.add(i);
        }

        assertThat(droppedNow).isEqualTo(4);
        assertThat(buffer.dropped()).isEqualTo(4);
        assertThat(buffer.added()).isEqualTo(7);
        assertThat(buffer.size()).isEqualTo(3);
        assertThat(drain(buffer)).containsExactly(5, 6, 7);
    }

    @Test
    void everyAddedElementIsEitherTakenDroppedOrStillHeld() throws InterruptedException {
        DropOldestBuffer<Integer> buffer = new DropOldestBuffer<>(5);
        long taken = 0;
        for (int i = 0; i < 1_000; i++) {
            buffer.add(i);
            if (i % 3 == 0 && buffer.poll(0, TimeUnit.MILLISECONDS) != null) {
                taken++;
            }
        }

        assertThat(taken + buffer.dropped() + buffer.size()).isEqualTo(buffer.added());
    }

    @Test
    void anElementPutBackComesOutFirst() throws InterruptedException {
        DropOldestBuffer<Integer> buffer = new DropOldestBuffer<>(3);
        buffer.add(1);
        buffer.add(2);
        Integer taken = buffer.poll(0, TimeUnit.MILLISECONDS);

        assertThat(buffer.putBackOldest(taken)).isTrue();
        assertThat(drain(buffer)).containsExactly(1, 2);
        assertThat(buffer.dropped()).isZero();
    }

    @Test
    void anElementPutBackIntoAFullBufferIsTheOneDroppedAndCounted() throws InterruptedException {
        DropOldestBuffer<Integer> buffer = new DropOldestBuffer<>(2);
        buffer.add(1);
        Integer taken = buffer.poll(0, TimeUnit.MILLISECONDS);
        buffer.add(2);
        buffer.add(3);

        assertThat(buffer.putBackOldest(taken)).isFalse();
        assertThat(buffer.dropped()).isEqualTo(1);
        assertThat(drain(buffer)).containsExactly(2, 3);
    }

    @Test
    void clearReportsHowManyElementsWereStillHeld() {
        DropOldestBuffer<Integer> buffer = new DropOldestBuffer<>(4);
        buffer.add(1);
        buffer.add(2);

        assertThat(buffer.clear()).isEqualTo(2);
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void aCapacityBelowOneIsRefusedWithTheValue() {
        assertThatThrownBy(() -> new DropOldestBuffer<Integer>(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, was 0");
    }
}

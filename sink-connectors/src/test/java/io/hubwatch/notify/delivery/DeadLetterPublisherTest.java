package io.hubwatch.notify.delivery;

import io.hubwatch.events.DeadLetter;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter Kafka cannot take is given up after the timeout, counted, and not waited on forever. */
class DeadLetterPublisherTest {

    @Test
    void withNoBrokerAtTheAddressADeadLetterIsGivenUpAfterItsTimeoutAndCounted() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        AtomicInteger givenUp = new AtomicInteger();
        try (DeadLetterPublisher publisher = new DeadLetterPublisher("127.0.0.1:" + port, "dead-letter",
                Duration.ofSeconds(2), givenUp::incrementAndGet)) {
            long start = System.nanoTime();
            boolean stored = publisher.publish("k", new DeadLetter("incidents", "notifier/parse", "bad", "{}", Instant.now()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(stored).isFalse();
            assertThat(givenUp).hasValue(1);
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        }
    }
}

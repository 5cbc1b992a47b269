package io.hubwatch.notify.delivery;

import io.hubwatch.notify.config.DeliveryPolicy;
import io.hubwatch.notify.receiver.DeliveryException;
import io.hubwatch.notify.receiver.Integration;
import io.hubwatch.notify.receiver.Notification;
import io.hubwatch.notify.support.Incidents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every failed attempt is logged at WARN with the receiver and the reason: the harness' lost webhook response went
 * unexplained while its retries were logged at DEBUG only (docs/decisions.md).
 */
class DelivererLogTest {
    private static final DeliveryPolicy QUICK = new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofSeconds(10), 5, 1000, 1000);

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final org.apache.logging.log4j.core.Logger logger =
            ((LoggerContext) LogManager.getContext(false)).getLogger(Deliverer.class.getName());
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            warnings.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        }
    };

    @BeforeEach
    void attach() {
        capture.start();
        logger.addAppender(capture);
    }

    @AfterEach
    void detach() {
        logger.removeAppender(capture);
        capture.stop();
    }

    private static Notification notification() {
        return new Notification("ops", "{}:{}", Map.of(), List.of(Incidents.firing("cpu", "a", Instant.now())),
                "key-a", "http://hubwatch.test");
    }

    /** Fails with the given errors in turn, then succeeds. */
    private static Integration failing(DeliveryException... errors) {
        Deque<DeliveryException> left = new ArrayDeque<>(List.of(errors));
        return new Integration() {
            public String receiver() {
                return "ops";
            }

            public String name() {
                return "webhook[0]";
            }

            public String kind() {
                return "webhook";
            }

            public boolean sendResolved() {
                return true;
            }

            public void send(Notification n, Duration timeout) throws DeliveryException {
                DeliveryException e = left.poll();
                if (e != null) {
                    throw e;
                }
            }
        };
    }

    private Deliverer.Outcome deliver(Integration integration) {
        return new Deliverer(r -> QUICK, new DeliveryMetrics(new SimpleMeterRegistry())).deliver(integration, notification());
    }

    @Test
    void aRetriedAttemptIsLoggedAtWarnWithTheReceiverAndTheReason() {
        Deliverer.Outcome outcome = deliver(failing(new DeliveryException("no response from hook.test within 1000 ms", true)));

        assertThat(outcome.kind()).isEqualTo(Deliverer.Kind.DELIVERED);
        assertThat(warnings).singleElement().asString()
                .startsWith("WARN receiver ops webhook[0] attempt 1 for notification key-a failed, retrying in ")
                .endsWith(": no response from hook.test within 1000 ms");
    }

    @Test
    void aRefusedAttemptIsLoggedAtWarnAsNotRetried() {
        Deliverer.Outcome outcome = deliver(failing(new DeliveryException("HTTP 400 from hook.test: bad", false)));

        assertThat(outcome.kind()).isEqualTo(Deliverer.Kind.FAILED);
        assertThat(warnings).containsExactly(
                "WARN receiver ops webhook[0] attempt 1 for notification key-a failed, not retryable: HTTP 400 from hook.test: bad");
    }

    @Test
    void theLastAttemptIsLoggedAtWarnAsGivingUp() {
        DeliveryException timeout = new DeliveryException("no response from hook.test within 1000 ms", true);

        Deliverer.Outcome outcome = deliver(failing(timeout, timeout, timeout, timeout, timeout));

        assertThat(outcome.kind()).isEqualTo(Deliverer.Kind.FAILED);
        assertThat(warnings).hasSize(5).last().asString()
                .isEqualTo("WARN receiver ops webhook[0] attempt 5 for notification key-a failed, giving up: "
                        + "no response from hook.test within 1000 ms");
    }
}

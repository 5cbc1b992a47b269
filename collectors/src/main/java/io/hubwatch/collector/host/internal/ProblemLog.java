package io.hubwatch.collector.host.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's last problem, for {@code /health} and {@code AgentStats.lastError()}. Logs a problem once when it
 * first appears rather than on every sample, so an hour-long outage is a few log lines, not thousands.
 *
 * <pre>{@code
 * problems.report("Kafka not available: ...");
 * String shown = problems.last();   // "2026-11-26T03:40:01Z Kafka not available: ..."
 * }</pre>
 */
public final class ProblemLog {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemLog.class);

    private final AtomicReference<String> lastText = new AtomicReference<>();
    private final AtomicReference<String> last = new AtomicReference<>();

    public void report(String problem) {
        String previous = lastText.getAndSet(problem);
        last.set(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + problem);
        if (!problem.equals(previous)) {
            LOG.warn("host agent: {}", problem);
        }
    }

    /** Logs that things work again, once, so that the log shows when a problem ended. The last problem stays readable. */
    public void recovered(String what) {
        if (lastText.getAndSet(null) != null) {
            LOG.info("host agent: {}", what);
        }
    }

    /** The last problem with the time it was seen, or null if there has been none. */
    public String last() {
        return last.get();
    }
}

package io.hubwatch.collector.host.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's last problem, for {@code /health} and {@code AgentStats.lastError()}. Each distinct problem is logged
 * once until things work again, so an hour-long outage is a few log lines, not thousands.
 *
 * <pre>{@code
 * problems.report("Kafka not available: ...");
 * String shown = problems.last();   // "2026-11-26T03:40:01Z Kafka not available: ..."
 * problems.recovered("Kafka is accepting events again");
 * }</pre>
 */
public final class ProblemLog {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemLog.class);
    /** Distinct problems logged per episode; messages may carry details that vary, so the set is capped. */
    private static final int MAX_LOGGED = 20;

    private final AtomicReference<String> last = new AtomicReference<>();
    private final Set<String> loggedSinceRecovery = new HashSet<>();
    private volatile boolean causeSinceRecovery;

    /** A problem that has a cause of its own, e.g. Kafka not answering. */
    public void report(String problem) {
        causeSinceRecovery = true;
        last.set(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + problem);
        log(problem);
    }

    /**
     * A problem that follows from another, e.g. a full buffer because Kafka is away. It is logged, but it does not hide
     * the cause from {@link #last()}; it shows there only when no cause was reported since the last recovery.
     */
    public void reportConsequence(String problem) {
        if (!causeSinceRecovery) {
            last.set(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + problem);
        }
        log(problem);
    }

    private void log(String problem) {
        synchronized (loggedSinceRecovery) {
            if (loggedSinceRecovery.size() < MAX_LOGGED && loggedSinceRecovery.add(problem)) {
                LOG.warn("host agent: {}", problem);
                if (loggedSinceRecovery.size() == MAX_LOGGED) {
                    LOG.warn("host agent: further problems are not logged until Kafka accepts events again");
                }
            }
        }
    }

    /** Logs, once, that things work again, so the log shows when a problem ended. The last problem stays readable. */
    public void recovered(String what) {
        causeSinceRecovery = false;
        synchronized (loggedSinceRecovery) {
            if (!loggedSinceRecovery.isEmpty()) {
                loggedSinceRecovery.clear();
                LOG.info("host agent: {}", what);
            }
        }
    }

    /** The last problem with the time it was seen, or null if there has been none. */
    public String last() {
        return last.get();
    }
}

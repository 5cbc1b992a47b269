package io.hubwatch.collector.host;

/**
 * What a {@link HostAgent} has done so far. Every event the agent sampled is in exactly one place:
 * {@code sampled == published + dropped + buffered + inFlight} (exact once the agent is closed; while it runs the
 * counters are read one after another, so a snapshot may be off by the events moving at that instant).
 *
 * <pre>{@code
 * AgentStats stats = agent.stats();
 * if (stats.dropped() > 0) log.warn("lost {} samples: {}", stats.dropped(), stats.lastError());
 * }</pre>
 *
 * @param samples        sampling rounds completed (one per interval)
 * @param failedSamples  sampling rounds that failed (the agent goes on with the next)
 * @param sampled        metric events produced by the sampling rounds
 * @param published      events Kafka acknowledged
 * @param dropped        events lost: the oldest pushed out of a full buffer, sends that failed after the producer's
 *                       delivery timeout, and what was still unsent when the agent closed
 * @param buffered       events waiting in the agent's buffer
 * @param inFlight       events handed to the Kafka producer and not yet acknowledged or failed
 * @param kafkaReachable whether the producer currently has a connection and its deliveries are not stalled
 * @param lastError      the last problem seen (with its time), or null if there was none
 */
public record AgentStats(long samples, long failedSamples, long sampled, long published, long dropped, long buffered,
                         long inFlight, boolean kafkaReachable, String lastError) {

    /** Events taken but not yet confirmed either way: {@code buffered + inFlight}. */
    public long pending() {
        return buffered + inFlight;
    }
}

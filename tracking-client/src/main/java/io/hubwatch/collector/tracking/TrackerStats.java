package io.hubwatch.collector.tracking;

/**
 * What an {@link ApiCallTracker} did with the calls it was given. After {@code close()},
 * {@code recorded == sent + dropped + failed}.
 *
 * @param recorded calls handed to {@code record}
 * @param sent     calls the gateway accepted
 * @param dropped  calls refused because the queue was full (the caller was never made to wait)
 * @param failed   calls the gateway refused or that could not be delivered (after retries, or at shutdown)
 */
public record TrackerStats(long recorded, long sent, long dropped, long failed) {}

package io.hubwatch.events;

import java.time.Instant;

/**
 * Input that could not be processed, parked on {@link Topics#DEAD_LETTER} with why, so nothing is lost silently.
 *
 * @param sourceTopic the topic the input came from
 * @param stage       which stage refused it, e.g. {@code alert-job/parse}
 * @param reason      a human-readable reason naming the bad field or value
 * @param payload     the raw input as text (UTF-8, invalid bytes replaced)
 * @param receivedAt  when it was refused (processing time)
 */
public record DeadLetter(String sourceTopic, String stage, String reason, String payload, Instant receivedAt) {}

package io.hubwatch.collector.ingest;

/**
 * What the gateway has done since it started.
 *
 * @param requests       HTTP requests to the ingest endpoints
 * @param accepted       events that passed validation and were handed to Kafka
 * @param published      events Kafka acknowledged
 * @param invalid        events refused by validation (sent to the dead-letter topic)
 * @param failed         events Kafka did not take (the request was answered 503)
 * @param unauthorized   requests without a valid key
 * @param rateLimited    requests answered 429
 * @param tooLarge       requests answered 413
 * @param forbidden      requests answered 403: a beacon key used for anything but beacons
 */
public record IngestStats(long requests, long accepted, long published, long invalid, long failed, long unauthorized,
                          long rateLimited, long tooLarge, long forbidden) {}

package io.hubwatch.loadtest.advise;

import java.util.List;

/**
 * One piece of advice: what to change, the figures that show why, and what it should gain.
 *
 * @param area     caching, concurrency, database, streaming or host
 * @param priority 1 (act now) to 3 (worth knowing)
 * @param evidence the measured figures it rests on, each with its source
 * @param gain     the expected gain, with the arithmetic behind it
 */
public record Recommendation(String area, int priority, String title, List<String> evidence, String action,
                             String gain) {
}

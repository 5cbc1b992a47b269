package io.hubwatch.rules;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A silence: while active ({@code startsAt <= t < endsAt}), alerts whose labels match every matcher are muted (still
 * emitted and stored, marked with the silence's id, so subscribers see everything and notifiers can skip them).
 * Published on the compacted {@code alert-silences} topic, key = id, tombstone = deleted.
 *
 * <pre>{@code
 * Silence s = new Silence("s-1", List.of(LabelMatcher.parse("host=web-1")), start, start.plus(Duration.ofHours(2)),
 *         "alice", "planned maintenance");
 * s.mutes(incident.labels(), now);
 * }</pre>
 */
public record Silence(String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment) implements Serializable {

    public Silence {
        matchers = List.copyOf(matchers);
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one matcher");
        }
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("a silence must end after it starts (" + startsAt + " .. " + endsAt + ")");
        }
    }

    public boolean isActive(Instant at) {
        return !at.isBefore(startsAt) && at.isBefore(endsAt);
    }

    public boolean mutes(Map<String, String> labels, Instant at) {
        return isActive(at) && matchers.stream().allMatch(m -> m.matches(labels));
    }
}

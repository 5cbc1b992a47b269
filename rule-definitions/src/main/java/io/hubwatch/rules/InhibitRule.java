package io.hubwatch.rules;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * An inhibition rule, as in Alertmanager: while an alert matching {@code sourceMatchers} fires, alerts matching
 * {@code targetMatchers} that have the same values for every label in {@code equal} are muted (still emitted, marked).
 *
 * <pre>{@code
 * inhibit_rules:
 *   - source_matchers: ['alertname="critical_cpu_usage"']
 *     target_matchers: ['alertname="high_cpu_usage"']
 *     equal: [host]
 * }</pre>
 */
public record InhibitRule(List<LabelMatcher> sourceMatchers, List<LabelMatcher> targetMatchers, List<String> equal)
        implements Serializable {

    public InhibitRule {
        sourceMatchers = List.copyOf(sourceMatchers);
        targetMatchers = List.copyOf(targetMatchers);
        equal = equal == null ? List.of() : List.copyOf(equal);
    }

    public boolean isSource(Map<String, String> labels) {
        return sourceMatchers.stream().allMatch(m -> m.matches(labels));
    }

    public boolean isTarget(Map<String, String> labels) {
        return targetMatchers.stream().allMatch(m -> m.matches(labels));
    }

    /** Whether a firing source mutes this target: the target matches and every {@code equal} label is the same. */
    public boolean mutes(Map<String, String> source, Map<String, String> target) {
        if (!isSource(source) || !isTarget(target)) {
            return false;
        }
        for (String name : equal) {
            if (!source.getOrDefault(name, "").equals(target.getOrDefault(name, ""))) {
                return false;
            }
        }
        return !source.equals(target); // an alert never inhibits itself
    }

    /** A short name for marks, e.g. {@code alertname="critical_cpu_usage" -> alertname="high_cpu_usage" on host}. */
    public String describe() {
        return String.join(",", sourceMatchers.stream().map(LabelMatcher::toString).toList()) + " -> "
                + String.join(",", targetMatchers.stream().map(LabelMatcher::toString).toList())
                + (equal.isEmpty() ? "" : " on " + String.join(",", equal));
    }
}

package io.hubwatch.rules;

import io.hubwatch.events.Severity;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A threshold rule: fire when {@code metric OP threshold} has held on every sample of a series for {@code for}
 * (Prometheus {@code for} semantics; one sample that does not hold resets it).
 *
 * <pre>{@code
 * rules:
 *   - id: high_cpu_usage
 *     metric: cpu_usage
 *     op: ">"
 *     threshold: 80
 *     for: 5m
 *     severity: warning
 *     matchers: ['host=~"web-.*"']      # optional: which series the rule watches
 *     labels: {team: platform}          # optional: added to the incident
 *     annotations: {summary: "CPU at {{$value}} on {{host}}"}
 * }</pre>
 *
 * @param matchers    series the rule applies to (all must match); empty = every series of the metric
 * @param labels      labels added to the incident
 * @param annotations annotation templates; {@code {{name}}} / {@code {{ $labels.name }}} is a series label,
 *                    {@code {{$value}}} the value, {@code {{$threshold}}} the threshold
 */
public record Rule(
        String id,
        String metric,
        Op op,
        double threshold,
        Duration forDuration,
        Severity severity,
        List<LabelMatcher> matchers,
        Map<String, String> labels,
        Map<String, String> annotations) implements Serializable {

    public Rule {
        matchers = matchers == null ? List.of() : List.copyOf(matchers);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Whether this rule watches a series with these labels (the metric name is checked separately). */
    public boolean appliesTo(Map<String, String> seriesLabels) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(seriesLabels)) {
                return false;
            }
        }
        return true;
    }

    /** The rule's condition in Prometheus-like form, e.g. {@code cpu_usage > 80 for 5m}. */
    public String describe() {
        return metric + " " + op.symbol() + " " + Templates.number(threshold) + " for " + Durations.format(forDuration);
    }
}

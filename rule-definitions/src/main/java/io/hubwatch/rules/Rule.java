package io.hubwatch.rules;

import io.hubwatch.events.Durations;
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
 *     keep_firing_for: 2m               # optional: stay firing this long after the condition clears
 *     recovery_threshold: 75            # optional: resolve only once the value is back past 75 (hysteresis)
 *     absent_for: 10m                   # optional: a series silent this long raises a NoData incident
 * }</pre>
 *
 * @param matchers    series the rule applies to (all must match); empty = every series of the metric
 * @param labels      labels added to the incident
 * @param annotations annotation templates; {@code {{name}}} / {@code {{ $labels.name }}} is a series label,
 *                    {@code {{$value}}} the value, {@code {{$threshold}}} the threshold
 * @param keepFiringFor     how long an episode stays firing after the condition clears (zero: resolve at once)
 * @param recoveryThreshold null, or the value the series must get back past before the episode resolves
 * @param absentFor         null, or how long a series may be silent before a NoData incident fires
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
        Map<String, String> annotations,
        Duration keepFiringFor,
        Double recoveryThreshold,
        Duration absentFor) implements Serializable {

    public Rule {
        keepFiringFor = keepFiringFor == null ? Duration.ZERO : keepFiringFor;
        matchers = matchers == null ? List.of() : List.copyOf(matchers);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** A rule without keep_firing_for, recovery threshold or no-data detection. */
    public Rule(String id, String metric, Op op, double threshold, Duration forDuration, Severity severity,
                List<LabelMatcher> matchers, Map<String, String> labels, Map<String, String> annotations) {
        this(id, metric, op, threshold, forDuration, severity, matchers, labels, annotations, Duration.ZERO, null, null);
    }

    /** Whether the condition holds on a value: {@code value OP threshold}. */
    public boolean holds(double value) {
        return op.test(value, threshold);
    }

    /**
     * Whether a firing episode may resolve on this value: the condition no longer holds, and with a recovery threshold
     * the value is back past it too (fire above 80, resolve only at or below 75).
     */
    public boolean recovered(double value) {
        if (holds(value)) {
            return false;
        }
        return recoveryThreshold == null || !op.test(value, recoveryThreshold);
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

package io.hubwatch.jobs.alerting.internal;

import java.util.Map;

/**
 * What the lifecycle stage of one (rule, series) sees, in event-time order: a {@link Type#BREACH} (the condition held
 * on every sample for the rule's {@code for}, found by CEP) or a {@link Type#CLEAR} sample (the condition does not
 * hold). A POJO for Flink's POJO serializer.
 */
public class AlertSignal {
    public enum Type { BREACH, CLEAR }

    public Type type;
    public String key;
    public String ruleId;
    /** Event time of the sample that completed the breach, or of the clear sample. */
    public long timestamp;
    /** For a breach: the first sample of the run (Prometheus' activeAt). */
    public long activeAt;
    public double value;
    public Map<String, String> labels;

    public AlertSignal() {}

    public static AlertSignal breach(RuleSample first, RuleSample last) {
        AlertSignal s = of(Type.BREACH, last);
        s.activeAt = first.timestamp;
        return s;
    }

    public static AlertSignal clear(RuleSample sample) {
        AlertSignal s = of(Type.CLEAR, sample);
        s.activeAt = sample.timestamp;
        return s;
    }

    private static AlertSignal of(Type type, RuleSample sample) {
        AlertSignal s = new AlertSignal();
        s.type = type;
        s.key = sample.key;
        s.ruleId = sample.ruleId;
        s.timestamp = sample.timestamp;
        s.value = sample.value;
        s.labels = sample.labels;
        return s;
    }

    @Override
    public String toString() {
        return type + "{" + key + " @" + timestamp + " " + value + "}";
    }
}

package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import java.util.Map;

/**
 * What the lifecycle stage of one (rule, series) sees, in event-time order: a {@link Type#BREACH} (the condition held
 * on every sample for the rule's {@code for}, found by CEP) or a {@link Type#SAMPLE} (a sample that can change
 * something, see {@code EvaluateRules#passOn}, with whether the condition holds and whether it counts as recovered).
 * A POJO for Flink's POJO serializer.
 */
@TypeInfo(AlertSignalSerializer.Factory.class)
public class AlertSignal {
    public enum Type { BREACH, SAMPLE }

    public Type type;
    public String key;
    public String ruleId;
    /** Event time of the sample that completed the breach, or of the sample. */
    public long timestamp;
    /** For a breach: the first sample of the run (Prometheus' activeAt). */
    public long activeAt;
    public double value;
    public boolean holds;
    public boolean recovered;
    public Map<String, String> labels;

    public AlertSignal() {}

    /** @param activeAt event time of the run's first sample */
    public static AlertSignal breach(long activeAt, RuleSample last) {
        AlertSignal s = of(Type.BREACH, last);
        s.activeAt = activeAt;
        return s;
    }

    public static AlertSignal sample(RuleSample sample) {
        return of(Type.SAMPLE, sample);
    }

    /** A sample on which the condition does not hold (and that counts as recovered). */
    public static AlertSignal clear(RuleSample sample) {
        AlertSignal s = of(Type.SAMPLE, sample);
        s.holds = false;
        s.recovered = true;
        return s;
    }

    private static AlertSignal of(Type type, RuleSample sample) {
        AlertSignal s = new AlertSignal();
        s.type = type;
        s.key = sample.key;
        s.ruleId = sample.ruleId;
        s.timestamp = sample.timestamp;
        s.activeAt = sample.timestamp;
        s.value = sample.value;
        s.holds = sample.holds;
        s.recovered = sample.recovered;
        s.labels = sample.labels;
        return s;
    }

    @Override
    public String toString() {
        return type + "{" + key + " @" + timestamp + " " + value + "}";
    }
}

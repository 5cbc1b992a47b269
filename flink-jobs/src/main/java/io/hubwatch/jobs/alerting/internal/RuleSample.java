package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import java.util.Map;

/**
 * One sample of one series, seen through one rule: whether the rule's condition holds on it, and whether it counts as
 * recovered (hysteresis). Keyed by {@link #key} = rule id + series, so each (rule, series) pair has its own CEP run and
 * lifecycle.
 *
 * <p>A POJO with public fields (not a record) so Flink uses its fast POJO serializer.
 */
@TypeInfo(RuleSampleSerializer.Factory.class)
public class RuleSample {
    /** {@code ruleId|seriesKey}. */
    public String key;
    public String ruleId;
    public long timestamp;
    public double value;
    public boolean holds;
    /** The condition does not hold and the value is back past the recovery threshold, if the rule has one. */
    public boolean recovered;
    /** The rule's {@code for} in ms, carried so that one CEP pattern serves every rule. */
    public long forMs;
    /**
     * Event time of the first sample of the run of samples on which the condition holds that this sample belongs to
     * (set by {@link HeldFor}, which keeps it per key); 0 when the condition does not hold.
     */
    public long runStart;
    /**
     * The first sample this rule sees of this series (the rule was added, or deleted and added again, while the series
     * lived): {@link HeldFor} starts the rule's run afresh here, as Prometheus does for a new rule, rather than going on
     * with a run of the rule's earlier life.
     */
    public boolean restart;
    /**
     * The series labels (host, metric labels), or null: {@link EvaluateRules} leaves them out, since the key names them
     * ({@link io.hubwatch.events.Labels#ofSeriesKey}). Kept as a field so that state written with labels restores.
     */
    public Map<String, String> labels;

    public RuleSample() {}

    public RuleSample(String ruleId, String seriesKey, long timestamp, double value, boolean holds, long forMs,
                      Map<String, String> labels) {
        this(ruleId, seriesKey, timestamp, value, holds, !holds, forMs, labels);
    }

    public RuleSample(String ruleId, String seriesKey, long timestamp, double value, boolean holds, boolean recovered,
                      long forMs, Map<String, String> labels) {
        this.key = ruleId + "|" + seriesKey;
        this.ruleId = ruleId;
        this.timestamp = timestamp;
        this.value = value;
        this.holds = holds;
        this.recovered = recovered;
        this.forMs = forMs;
        this.labels = labels;
    }

    @Override
    public String toString() {
        return "RuleSample{" + key + " @" + timestamp + " " + value + (holds ? " holds" : recovered ? " recovered" : " clear") + "}";
    }
}

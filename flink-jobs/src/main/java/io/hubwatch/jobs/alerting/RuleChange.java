package io.hubwatch.jobs.alerting;

/**
 * One record of the compacted {@code alert-rules} topic: a rule id and its definition in the rule-file format as JSON,
 * or a null definition for a deleted rule (a tombstone). A POJO for Flink's POJO serializer.
 */
public class RuleChange {
    public String id;
    /** The rule as JSON ({@code RuleFiles.toJson}), or null when the rule was deleted. */
    public String json;

    public RuleChange() {}

    public RuleChange(String id, String json) {
        this.id = id;
        this.json = json;
    }

    public static RuleChange upsert(io.hubwatch.rules.Rule rule) {
        return new RuleChange(rule.id(), io.hubwatch.rules.RuleFiles.toJson(rule));
    }

    public static RuleChange delete(String id) {
        return new RuleChange(id, null);
    }

    @Override
    public String toString() {
        return json == null ? "delete " + id : "upsert " + id;
    }
}

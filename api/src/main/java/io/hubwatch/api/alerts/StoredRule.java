package io.hubwatch.api.alerts;

import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFiles;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A rule as stored: the rule, its version (1 on create, +1 per change) and when it was created and last changed. */
public record StoredRule(Rule rule, int version, Instant createdAt, Instant updatedAt) {

    /** The API's JSON form: {@code {"rule": {...rule-file format...}, "version": 2, "createdAt": ..., "updatedAt": ...}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", RuleFiles.toMap(rule));
        m.put("version", version);
        m.put("createdAt", createdAt.toString());
        m.put("updatedAt", updatedAt.toString());
        return m;
    }
}

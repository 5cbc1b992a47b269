package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.jobs.alerting.internal.records.RecordSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** The {@code ruleId|series} keys of {@link RuleSample} and {@link AlertSignal}. */
final class RecordKeys {
    private RecordKeys() {}

    /** The rule id's length when the key starts with it and a {@code |}, else -1 (the id is then written in full). */
    static int ruleIdPrefix(String key, String ruleId) {
        if (key == null || ruleId == null) {
            return -1;
        }
        int n = ruleId.length();
        return key.length() > n && key.charAt(n) == '|' && key.startsWith(ruleId) ? n : -1;
    }

    /** The key, then the rule id as {@link #ruleIdPrefix} (and in full when it is not the key's prefix). */
    static void writeKeyAndRuleId(String key, String ruleId, DataOutputView target) throws IOException {
        RecordSerializer.writeString(key, target);
        int prefix = ruleIdPrefix(key, ruleId);
        target.writeInt(prefix);
        if (prefix < 0) {
            RecordSerializer.writeString(ruleId, target);
        }
    }

    /** The rule id written after {@code key} by {@link #writeKeyAndRuleId}. */
    static String readRuleId(String key, DataInputView source) throws IOException {
        int prefix = source.readInt();
        return prefix < 0 ? RecordSerializer.readString(source) : key.substring(0, prefix);
    }
}

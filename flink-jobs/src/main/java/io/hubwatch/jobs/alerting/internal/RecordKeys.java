package io.hubwatch.jobs.alerting.internal;

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
}

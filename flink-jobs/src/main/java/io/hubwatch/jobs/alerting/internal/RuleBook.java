package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.Durations;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules in force: the job's initial rules, overlaid by the changes from the {@code alert-rules} topic, which live in
 * broadcast state (rule id to JSON; an empty string marks a deleted rule). Each parallel instance keeps a parsed,
 * by-metric index of the same state, rebuilt when the state changes or after a restore.
 */
public final class RuleBook implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Broadcast state: rule id to rule JSON, or "" for a deleted rule. */
    public static final MapStateDescriptor<String, String> STATE =
            new MapStateDescriptor<>("alert-rules", Types.STRING, Types.STRING);

    private final Map<String, Rule> initial = new HashMap<>();
    private final Duration maxFor;
    private transient Map<String, Rule> byId;
    private transient Map<String, List<Rule>> byMetric;
    private transient Map<String, Integer> versions;

    /**
     * @param maxFor the longest {@code for} a rule may have: CEP keeps a run at most this long (plus staleness)
     */
    public RuleBook(RuleSet initialRules, Duration maxFor) {
        this.maxFor = maxFor;
        initialRules.rules().forEach(r -> initial.put(r.id(), r));
    }

    public Duration maxFor() {
        return maxFor;
    }

    /** Why a rule record cannot be used, or null when it can (a deletion always can). */
    public String problemWith(io.hubwatch.jobs.alerting.RuleChange change) {
        if (change.json == null) {
            return null;
        }
        try {
            Rule rule = RuleFiles.parseRule(change.json, "alert-rules");
            if (!rule.id().equals(change.id)) {
                return "record key '" + change.id + "' differs from the rule's id '" + rule.id() + "'";
            }
            if (rule.forDuration().compareTo(maxFor) > 0) {
                return "field 'for': " + Durations.format(rule.forDuration())
                        + " is longer than the job's --max-for " + Durations.format(maxFor);
            }
            return null;
        } catch (RuleFileException e) {
            return String.join("; ", e.problems());
        }
    }

    /** Forget the parsed index: the broadcast state changed. */
    public void invalidate() {
        byId = null;
        byMetric = null;
        versions = null;
    }

    /** A fingerprint of the rule's definition (the same on every machine), to notice that a rule was changed. */
    public int version(Rule rule) {
        if (versions == null) {
            versions = new HashMap<>();
        }
        // asked for every rule sample (EvaluateRules' tracks): a plain lookup, no capturing lambda on the hot path
        Integer version = versions.get(rule.id());
        if (version == null) {
            version = RuleFiles.toJson(rule).hashCode();
            versions.put(rule.id(), version);
        }
        return version;
    }

    /**
     * Where the broadcast rule state comes from, asked only when the book must be built again (after a change): a
     * context's {@code getBroadcastState} looks the descriptor up on every call, which per sample was a tenth of the
     * rule-evaluation thread (JFR, 2026-12-03).
     */
    @FunctionalInterface
    public interface StateSource {
        ReadOnlyBroadcastState<String, String> get() throws Exception;
    }

    public Rule rule(String id, ReadOnlyBroadcastState<String, String> state) throws Exception {
        return rule(id, () -> state);
    }

    public Rule rule(String id, StateSource state) throws Exception {
        ensure(state);
        return byId.get(id);
    }

    public List<Rule> forMetric(String metric, StateSource state) throws Exception {
        ensure(state);
        return byMetric.getOrDefault(metric, List.of());
    }

    private void ensure(StateSource source) throws Exception {
        if (byId != null) {
            return;
        }
        ReadOnlyBroadcastState<String, String> state = source.get();
        Map<String, Rule> rules = new HashMap<>(initial);
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            if (e.getValue().isEmpty()) {
                rules.remove(e.getKey());
            } else {
                try {
                    rules.put(e.getKey(), RuleFiles.parseRule(e.getValue(), "alert-rules"));
                } catch (RuleFileException invalid) {
                    // refused when it arrived (see EvaluateRules); never stored
                }
            }
        }
        Map<String, List<Rule>> metrics = new HashMap<>();
        rules.values().forEach(r -> metrics.computeIfAbsent(r.metric(), m -> new ArrayList<>()).add(r));
        byId = rules;
        byMetric = metrics;
    }
}

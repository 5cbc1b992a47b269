package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.MetricEvent;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns each sample into one {@link RuleSample} per rule that watches its series. */
public final class EvaluateRules implements FlatMapFunction<MetricEvent, RuleSample> {
    private static final long serialVersionUID = 1L;

    private final Map<String, List<Rule>> rulesByMetric = new HashMap<>();

    public EvaluateRules(RuleSet rules) {
        for (Rule rule : rules.rules()) {
            rulesByMetric.computeIfAbsent(rule.metric(), m -> new ArrayList<>()).add(rule);
        }
    }

    @Override
    public void flatMap(MetricEvent event, Collector<RuleSample> out) {
        List<Rule> rules = rulesByMetric.get(event.metric());
        if (rules == null) {
            return;
        }
        Map<String, String> series = null;
        String seriesKey = null;
        for (Rule rule : rules) {
            if (series == null) {
                series = event.seriesLabels();
                seriesKey = event.seriesKey();
            }
            if (rule.appliesTo(series)) {
                boolean holds = rule.op().test(event.value(), rule.threshold());
                out.collect(new RuleSample(rule.id(), seriesKey, event.timestamp(), event.value(), holds,
                        rule.forDuration().toMillis(), series));
            }
        }
    }
}

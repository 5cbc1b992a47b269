package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import io.hubwatch.jobs.alerting.RuleChange;
import io.hubwatch.jobs.ingest.SplitRefused;
import io.hubwatch.rules.Rule;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Turns each sample into one {@link RuleSample} per rule that watches its series. Rules come from the job's initial
 * rule set and, at run time, from the {@code alert-rules} topic as broadcast state, so a new, changed or deleted rule
 * applies from the next sample on, without a restart. An invalid rule record goes to the dead-letter side output.
 */
public final class EvaluateRules extends BroadcastProcessFunction<MetricEvent, RuleChange, RuleSample> {
    private static final long serialVersionUID = 1L;

    private final RuleBook rules;

    public EvaluateRules(RuleBook rules) {
        this.rules = rules;
    }

    @Override
    public void processElement(MetricEvent event, ReadOnlyContext ctx, Collector<RuleSample> out) throws Exception {
        List<Rule> watching = rules.forMetric(event.metric(), ctx.getBroadcastState(RuleBook.STATE));
        if (watching.isEmpty()) {
            return;
        }
        Map<String, String> series = event.seriesLabels();
        String seriesKey = event.seriesKey();
        for (Rule rule : watching) {
            if (rule.appliesTo(series)) {
                boolean holds = rule.holds(event.value());
                out.collect(new RuleSample(rule.id(), seriesKey, event.timestamp(), event.value(), holds,
                        rule.recovered(event.value()), rule.forDuration().toMillis(), series));
            }
        }
    }

    @Override
    public void processBroadcastElement(RuleChange change, Context ctx, Collector<RuleSample> out) throws Exception {
        if (change.json == null) {
            ctx.getBroadcastState(RuleBook.STATE).put(change.id, "");
            rules.invalidate();
            return;
        }
        String problem = rules.problemWith(change);
        if (problem != null) {
            ctx.output(SplitRefused.DEAD_LETTERS, new DeadLetter(Topics.ALERT_RULES, "alert-job/rules",
                    "rule '" + change.id + "' refused, the previous version stays in force: " + problem,
                    change.json, Instant.now()));
            return;
        }
        ctx.getBroadcastState(RuleBook.STATE).put(change.id, change.json);
        rules.invalidate();
    }
}

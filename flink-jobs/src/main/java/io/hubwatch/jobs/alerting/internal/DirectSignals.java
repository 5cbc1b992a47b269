package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * Every sample also goes straight to the lifecycle: it resolves episodes, keeps them firing ({@code keep_firing_for}),
 * feeds no-data detection, and fires {@code for: 0} rules, which need no CEP.
 */
public final class DirectSignals implements MapFunction<RuleSample, AlertSignal> {
    private static final long serialVersionUID = 1L;

    @Override
    public AlertSignal map(RuleSample sample) {
        return AlertSignal.sample(sample);
    }
}

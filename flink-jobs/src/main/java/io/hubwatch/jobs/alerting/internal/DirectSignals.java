package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The signals that need no CEP: every sample on which the condition does not hold (it may resolve an episode), and
 * samples of {@code for: 0} rules on which it holds (they fire at once, as in Prometheus).
 */
public final class DirectSignals implements FlatMapFunction<RuleSample, AlertSignal> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(RuleSample sample, Collector<AlertSignal> out) {
        if (!sample.holds) {
            out.collect(AlertSignal.clear(sample));
        } else if (sample.forMs == 0) {
            out.collect(AlertSignal.breach(sample, sample));
        }
    }
}

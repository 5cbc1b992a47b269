package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.events.Topics;
import io.hubwatch.jobs.kafka.SplitRefused;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.List;

/**
 * Before the exchange keyed by series: each valid event becomes a {@link SeriesSample} (its series key computed once,
 * here); an invalid one goes to {@link SplitRefused#DEAD_LETTERS} with its problems. Stateless, chained to the source.
 */
public final class ToSeriesSamples extends ProcessFunction<MetricEvent, SeriesSample> {
    private static final long serialVersionUID = 1L;

    private final boolean validated;
    private transient Counter invalid;

    /**
     * @param validated the events were checked already ({@link MetricEvent#problems()} is empty for each), as the Kafka
     *                  source's deserializer does: checking again cost 13 % of the evaluation stage's CPU samples
     */
    public ToSeriesSamples(boolean validated) {
        this.validated = validated;
    }

    @Override
    public void open(OpenContext openContext) {
        invalid = getRuntimeContext().getMetricGroup().counter("invalidEvents");
    }

    @Override
    public void processElement(MetricEvent event, Context ctx, Collector<SeriesSample> out) {
        List<String> problems = validated ? List.of() : event.problems();
        if (!problems.isEmpty()) {
            invalid.inc();
            ctx.output(SplitRefused.DEAD_LETTERS, new DeadLetter(Topics.METRICS, "alert-job/order",
                    String.join("; ", problems), EventJson.toJson(event), Instant.now()));
            return;
        }
        out.collect(SeriesSample.of(event));
    }
}

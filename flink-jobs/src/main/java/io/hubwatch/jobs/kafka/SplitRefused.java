package io.hubwatch.jobs.kafka;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.Incident;
import org.apache.flink.types.Either;
import io.hubwatch.events.MetricEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Passes valid events on and sends refused input to the {@link #DEAD_LETTERS} side output, counting it. */
public final class SplitRefused extends ProcessFunction<Ingested, MetricEvent> {
    private static final long serialVersionUID = 1L;

    /** Refused input, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter refused;

    @Override
    public void open(OpenContext openContext) {
        refused = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(Ingested value, Context ctx, Collector<MetricEvent> out) {
        if (value.event() != null) {
            out.collect(value.event());
        } else {
            refused.inc();
            ctx.output(DEAD_LETTERS, value.refused());
        }
    }

    /** The same split for {@link IncidentRecordDeserializer}'s output: incidents on, refused records to {@link #DEAD_LETTERS}. */
    public static ProcessFunction<Either<Incident, DeadLetter>, Incident> incidents() {
        return new Incidents();
    }

    private static final class Incidents extends ProcessFunction<Either<Incident, DeadLetter>, Incident> {
        private static final long serialVersionUID = 1L;
        private transient Counter refused;

        @Override
        public void open(OpenContext openContext) {
            refused = getRuntimeContext().getMetricGroup().counter("deadLetters");
        }

        @Override
        public void processElement(Either<Incident, DeadLetter> value, Context ctx, Collector<Incident> out) {
            if (value.isLeft()) {
                out.collect(value.left());
            } else {
                refused.inc();
                ctx.output(DEAD_LETTERS, value.right());
            }
        }
    }
}

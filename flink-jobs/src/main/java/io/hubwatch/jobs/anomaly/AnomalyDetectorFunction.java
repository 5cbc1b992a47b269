package io.hubwatch.jobs.anomaly;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.anomaly.detector.Detection;
import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.jobs.anomaly.detector.SeriesDetector;
import io.hubwatch.jobs.anomaly.internal.AnomalyIncidents;
import io.hubwatch.jobs.anomaly.internal.SeriesDetectorSerializer;
import io.hubwatch.rules.anomaly.AnomalySettings;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The anomaly job's keyed function: one {@link SeriesDetector} per series in keyed state, incidents on episode changes.
 *
 * <p>Samples older than {@code primeUntilMillis} only train the series' model (priming from stored history: a new
 * deployment reading the metrics topic from a past offset does not start blind, and raises nothing for the past), and
 * so do samples more than {@link #HISTORY_HORIZON} (by default) older than the wall clock: a series that arrives with a burst of
 * its own history is primed from it and scores its live samples at once.
 * A firing episode resolves when the scores fall back for a while, or when the series stays silent for
 * {@code silence} of event time.
 *
 * <pre>{@code
 * metrics.keyBy(MetricEvent::seriesKey)
 *        .process(new AnomalyDetectorFunction(settings, DetectorConfig.defaults(), Long.MIN_VALUE, Duration.ofMinutes(15)));
 * }</pre>
 */
public class AnomalyDetectorFunction extends KeyedProcessFunction<String, MetricEvent, Incident> {
    private static final long serialVersionUID = 1L;
    /** By default, a sample older than this (by the wall clock) primes its series' detector and raises nothing. */
    public static final Duration HISTORY_HORIZON = Duration.ofMinutes(5);

    private final List<AnomalySettings> settings;
    private final DetectorConfig base;
    private final long primeUntilMillis;
    private final long silenceMillis;
    private final Duration stateTtl;
    private long historyHorizonMs = HISTORY_HORIZON.toMillis();

    private transient ValueState<SeriesDetector> detector;
    private transient ValueState<String> open;   // the open episode's firing incident, as JSON
    private transient ValueState<Long> lastSeen;

    /**
     * @param settings         per-metric settings, first match wins; metrics matching none use the defaults
     * @param base             the detector configuration the settings adjust
     * @param primeUntilMillis samples before this event time train silently
     * @param silence          a firing episode of a series silent this long (event time) resolves
     * @param stateTtl         state of a series silent this long (processing time) is dropped
     */
    public AnomalyDetectorFunction(List<AnomalySettings> settings, DetectorConfig base, long primeUntilMillis,
                                   Duration silence, Duration stateTtl) {
        this.settings = List.copyOf(settings);
        this.base = base;
        this.primeUntilMillis = primeUntilMillis;
        this.silenceMillis = silence.toMillis();
        this.stateTtl = stateTtl;
    }

    /** Samples older than this by the wall clock only train; zero turns that off (replaying old data as live). */
    public AnomalyDetectorFunction historyHorizon(Duration horizon) {
        this.historyHorizonMs = horizon.toMillis();
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(stateTtl).updateTtlOnCreateAndWrite().neverReturnExpired().build();
        ValueStateDescriptor<SeriesDetector> d = new ValueStateDescriptor<>("detector", SeriesDetectorSerializer.INSTANCE);
        d.enableTimeToLive(ttl);
        ValueStateDescriptor<String> o = new ValueStateDescriptor<>("open-episode", Types.STRING);
        o.enableTimeToLive(ttl);
        ValueStateDescriptor<Long> l = new ValueStateDescriptor<>("last-seen", Types.LONG);
        l.enableTimeToLive(ttl);
        detector = getRuntimeContext().getState(d);
        open = getRuntimeContext().getState(o);
        lastSeen = getRuntimeContext().getState(l);
    }

    /** The detector configuration for a metric: the first matching settings applied to the base. */
    public DetectorConfig configFor(String metric) {
        AnomalySettings s = settingsFor(metric);
        return base.withSensitivity(s.sensitivity()).withMinHistory(Math.max(s.minHistory(), base.featureWindow()))
                .withRetrainInterval(s.retrainInterval());
    }

    private AnomalySettings settingsFor(String metric) {
        for (AnomalySettings s : settings) {
            if (s.matches(metric)) {
                return s;
            }
        }
        return AnomalySettings.defaults(metric);
    }

    @Override
    public void processElement(MetricEvent event, Context ctx, Collector<Incident> out) throws Exception {
        if (!settingsFor(event.metric()).enabled() || !Double.isFinite(event.value())) {
            return;
        }
        DetectorConfig cfg = configFor(event.metric());
        SeriesDetector det = detector.value();
        det = det == null ? new SeriesDetector(cfg) : det.reconfigured(cfg);
        Detection d = det.observe(event.timestamp(), event.value());
        // history (before the job's priming point, or a burst of a series' own past posted late) only trains: an
        // incident about a sample this old would come too late to act on
        boolean priming = event.timestamp() < primeUntilMillis
                || historyHorizonMs > 0 && event.timestamp() < ctx.timerService().currentProcessingTime() - historyHorizonMs;
        Incident episode = openEpisode();
        if (d.transition() == Detection.Transition.FIRE && priming) {
            det.endEpisode();   // nothing was raised, so nothing may hold back the first live anomaly
        } else if (d.transition() == Detection.Transition.FIRE) {
            Incident firing = AnomalyIncidents.firing(event, d);
            open.update(EventJson.toJson(firing));
            out.collect(firing);
            ctx.timerService().registerEventTimeTimer(event.timestamp() + silenceMillis);
        } else if (d.transition() == Detection.Transition.RESOLVE && episode != null) {
            out.collect(AnomalyIncidents.resolved(episode, event.value(), event.timestamp()));
            open.clear();
        }
        Long seen = lastSeen.value();
        if (d.learned() && (seen == null || event.timestamp() > seen)) {
            lastSeen.update(event.timestamp());
        }
        detector.update(det);
    }

    private Incident openEpisode() throws Exception {
        String json = open.value();
        return json == null ? null : EventJson.read(json.getBytes(StandardCharsets.UTF_8), Incident.class);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Incident> out) throws Exception {
        Incident episode = openEpisode();
        if (episode == null) {
            return;
        }
        Long seen = lastSeen.value();
        long silentSince = seen == null ? episode.startsAt().toEpochMilli() : seen;
        if (silentSince + silenceMillis <= timestamp) {
            out.collect(AnomalyIncidents.resolved(episode, episode.value(), silentSince + silenceMillis));
            open.clear();
            SeriesDetector det = detector.value();
            if (det != null) {
                det.endEpisode();
                detector.update(det);
            }
        } else {
            ctx.timerService().registerEventTimeTimer(silentSince + silenceMillis);
        }
    }
}

package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.jobs.alerting.internal.records.RecordSerializer;
import io.hubwatch.jobs.alerting.internal.records.RecordType;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Type;
import java.util.Map;

/** {@link SeriesSample} on the first exchange (metrics to rule evaluation). */
public final class SeriesSampleSerializer extends RecordSerializer<SeriesSample> {
    private static final long serialVersionUID = 1L;
    public static final SeriesSampleSerializer INSTANCE = new SeriesSampleSerializer();

    /** Attached to {@link SeriesSample} by its {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<SeriesSample> {
        @Override
        public TypeInformation<SeriesSample> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new RecordType<>(SeriesSample.class, INSTANCE);
        }
    }

    @Override
    public SeriesSample createInstance() {
        return new SeriesSample();
    }

    @Override
    public SeriesSample copy(SeriesSample from) {
        SeriesSample s = new SeriesSample();
        s.series = from.series;
        s.metric = from.metric;
        s.timestamp = from.timestamp;
        s.value = from.value;
        return s;
    }


    /**
     * The series key as its UTF-8 bytes in one write, and the metric as the length of the key's prefix it is (a series
     * key begins with its metric), or {@link #METRIC_WRITTEN} and the metric. Why not Flink's string format, as the
     * other records: it writes and reads a string a byte per call, and reading this record's two strings so was a sixth
     * of the rule-evaluation thread (JFR, 2026-12-03). A sample only crosses the exchange, never sits in state: the
     * format is the running job's own (an unaligned checkpoint, which would keep samples in flight, is not used).
     */
    @Override
    public void serialize(SeriesSample s, DataOutputView target) throws IOException {
        if (s.series == null) {
            target.writeInt(-1);
        } else {
            byte[] series = s.series.getBytes(StandardCharsets.UTF_8);
            target.writeInt(series.length);
            target.write(series);
        }
        int prefix = s.metric == null ? -1 : s.metric.length();
        if (prefix >= 0 && s.series != null && s.series.startsWith(s.metric)
                && (s.series.length() == prefix || s.series.charAt(prefix) == '{')) {
            target.writeInt(prefix);
        } else {
            target.writeInt(METRIC_WRITTEN);
            writeString(s.metric, target);
        }
        target.writeLong(s.timestamp);
        target.writeDouble(s.value);
    }

    /** In place of the metric's prefix length: the metric follows in full (a sample not made by {@link SeriesSample#of}). */
    private static final int METRIC_WRITTEN = -1;

    @Override
    public SeriesSample deserialize(DataInputView source) throws IOException {
        SeriesSample s = new SeriesSample();
        int length = source.readInt();
        if (length >= 0) {
            byte[] series = new byte[length];
            source.readFully(series);
            s.series = new String(series, StandardCharsets.UTF_8);
        }
        int prefix = source.readInt();
        s.metric = prefix == METRIC_WRITTEN ? readString(source)
                : prefix == s.series.length() ? s.series : s.series.substring(0, prefix);
        s.timestamp = source.readLong();
        s.value = source.readDouble();
        return s;
    }

    @Override
    public TypeSerializerSnapshot<SeriesSample> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends RecordSerializer.Snapshot<SeriesSample> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.jobs.alerting.internal.records.RecordSerializer;
import io.hubwatch.jobs.alerting.internal.records.RecordType;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
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


    @Override
    public void serialize(SeriesSample s, DataOutputView target) throws IOException {
        writeString(s.series, target);
        writeString(s.metric, target);
        target.writeLong(s.timestamp);
        target.writeDouble(s.value);
    }

    @Override
    public SeriesSample deserialize(DataInputView source) throws IOException {
        SeriesSample s = new SeriesSample();
        s.series = readString(source);
        s.metric = readString(source);
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

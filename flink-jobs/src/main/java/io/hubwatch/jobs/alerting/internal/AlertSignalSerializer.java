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

/** {@link AlertSignal} between CEP and the lifecycle: the rule id is written as its length when it prefixes the key. */
public final class AlertSignalSerializer extends RecordSerializer<AlertSignal> {
    private static final long serialVersionUID = 1L;
    public static final AlertSignalSerializer INSTANCE = new AlertSignalSerializer();
    private static final AlertSignal.Type[] TYPES = AlertSignal.Type.values();

    /** Attached to {@link AlertSignal} by its {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<AlertSignal> {
        @Override
        public TypeInformation<AlertSignal> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new RecordType<>(AlertSignal.class, INSTANCE);
        }
    }

    @Override
    public AlertSignal createInstance() {
        return new AlertSignal();
    }

    @Override
    public AlertSignal copy(AlertSignal from) {
        AlertSignal s = new AlertSignal();
        s.type = from.type;
        s.key = from.key;
        s.ruleId = from.ruleId;
        s.timestamp = from.timestamp;
        s.activeAt = from.activeAt;
        s.value = from.value;
        s.holds = from.holds;
        s.recovered = from.recovered;
        s.labels = copyLabels(from.labels);
        return s;
    }


    @Override
    public void serialize(AlertSignal s, DataOutputView target) throws IOException {
        target.writeByte(s.type == null ? -1 : s.type.ordinal());
        RecordKeys.writeKeyAndRuleId(s.key, s.ruleId, target);
        target.writeLong(s.timestamp);
        target.writeLong(s.activeAt);
        target.writeDouble(s.value);
        target.writeByte((s.holds ? 1 : 0) | (s.recovered ? 2 : 0));
        writeLabels(s.labels, target);
    }

    @Override
    public AlertSignal deserialize(DataInputView source) throws IOException {
        AlertSignal s = new AlertSignal();
        int type = source.readByte();
        s.type = type < 0 ? null : TYPES[type];
        s.key = readString(source);
        s.ruleId = RecordKeys.readRuleId(s.key, source);
        s.timestamp = source.readLong();
        s.activeAt = source.readLong();
        s.value = source.readDouble();
        int flags = source.readByte();
        s.holds = (flags & 1) != 0;
        s.recovered = (flags & 2) != 0;
        s.labels = readLabels(source);
        return s;
    }

    @Override
    public TypeSerializerSnapshot<AlertSignal> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends RecordSerializer.Snapshot<AlertSignal> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

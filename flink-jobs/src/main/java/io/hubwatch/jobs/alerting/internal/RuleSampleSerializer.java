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

/** {@link RuleSample} on the wire and in CEP's buffer: the rule id is written as its length when it prefixes the key. */
public final class RuleSampleSerializer extends RecordSerializer<RuleSample> {
    private static final long serialVersionUID = 1L;
    public static final RuleSampleSerializer INSTANCE = new RuleSampleSerializer();

    /** Attached to {@link RuleSample} by its {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<RuleSample> {
        @Override
        public TypeInformation<RuleSample> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new RecordType<>(RuleSample.class, INSTANCE);
        }
    }

    @Override
    public RuleSample createInstance() {
        return new RuleSample();
    }

    @Override
    public RuleSample copy(RuleSample from) {
        RuleSample s = new RuleSample();
        s.key = from.key;
        s.ruleId = from.ruleId;
        s.timestamp = from.timestamp;
        s.value = from.value;
        s.holds = from.holds;
        s.recovered = from.recovered;
        s.forMs = from.forMs;
        s.runStart = from.runStart;
        s.restart = from.restart;
        s.labels = copyLabels(from.labels);
        return s;
    }


    @Override
    public void serialize(RuleSample s, DataOutputView target) throws IOException {
        RecordKeys.writeKeyAndRuleId(s.key, s.ruleId, target);
        target.writeLong(s.timestamp);
        target.writeDouble(s.value);
        // bit 4 came later: what was written before reads as false
        target.writeByte((s.holds ? 1 : 0) | (s.recovered ? 2 : 0) | (s.restart ? 4 : 0));
        target.writeLong(s.forMs);
        target.writeLong(s.runStart);
        writeLabels(s.labels, target);
    }

    @Override
    public RuleSample deserialize(DataInputView source) throws IOException {
        RuleSample s = new RuleSample();
        s.key = readString(source);
        s.ruleId = RecordKeys.readRuleId(s.key, source);
        s.timestamp = source.readLong();
        s.value = source.readDouble();
        int flags = source.readByte();
        s.holds = (flags & 1) != 0;
        s.recovered = (flags & 2) != 0;
        s.restart = (flags & 4) != 0;
        s.forMs = source.readLong();
        s.runStart = source.readLong();
        s.labels = readLabels(source);
        return s;
    }

    @Override
    public TypeSerializerSnapshot<RuleSample> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends RecordSerializer.Snapshot<RuleSample> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

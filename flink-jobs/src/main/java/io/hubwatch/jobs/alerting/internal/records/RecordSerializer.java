package io.hubwatch.jobs.alerting.internal.records;

import io.hubwatch.jobs.keys.StringKeys;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A hand-written serializer for one of the alert job's records, which cross two keyed exchanges and a forward one per
 * sample and sit in CEP's buffer state.
 *
 * <p>Why: Flink's {@code PojoSerializer} reads and writes each field by reflection, with a null flag per field and
 * strings written a byte per call; in a JFR profile of {@code benchmarks/alert-throughput.sh} it was 21-31 % of the
 * rule evaluation, CEP and lifecycle threads (docs/decisions.md, "Alert job throughput"). The subclasses write the
 * fields in a fixed order, strings in Flink's own format through {@link StringKeys}.
 *
 * <p>State written with the {@code PojoSerializer} restores: the snapshot declares it compatible after migration, so
 * the state backend reads it with the old serializer and writes it with this one.
 */
public abstract class RecordSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final int getLength() {
        return -1;
    }

    /** Records are not reused: a new one per copy, as per deserialization. */
    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    /** A string or null, in {@link StringValue}'s format (length + 1, 0 for null). */
    /** A string or null, in {@link StringKeys}' format (Flink's own). */
    public static void writeString(String s, DataOutputView target) throws IOException {
        StringKeys.Serializer.INSTANCE.serialize(s, target);
    }

    public static String readString(DataInputView source) throws IOException {
        return StringValue.readString(source);
    }

    /** A label map or null: its size (-1 for null), then each name and value. */
    protected static void writeLabels(Map<String, String> labels, DataOutputView target) throws IOException {
        if (labels == null) {
            target.writeInt(-1);
            return;
        }
        target.writeInt(labels.size());
        for (Map.Entry<String, String> e : labels.entrySet()) {
            writeString(e.getKey(), target);
            writeString(e.getValue(), target);
        }
    }

    protected static Map<String, String> readLabels(DataInputView source) throws IOException {
        int n = source.readInt();
        if (n < 0) {
            return null;
        }
        Map<String, String> labels = new HashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            labels.put(readString(source), readString(source));
        }
        return labels;
    }

    protected static Map<String, String> copyLabels(Map<String, String> labels) {
        return labels == null ? null : new HashMap<>(labels);
    }

    /**
     * The snapshot of a record serializer: as is with itself, after migration with the {@code PojoSerializer} of the
     * same class (state of earlier versions), incompatible with anything else.
     */
    public abstract static class Snapshot<T> extends SimpleTypeSerializerSnapshot<T> {
        protected Snapshot(Supplier<? extends RecordSerializer<T>> serializer) {
            super(serializer::get);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
            // Flink asks only about the snapshot of the same state or exchange, so of the same record class
            if (oldSnapshot instanceof PojoSerializerSnapshot<?>) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(oldSnapshot);
        }
    }
}

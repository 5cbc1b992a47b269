package io.hubwatch.jobs.anomaly.internal;

import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.jobs.anomaly.detector.SeriesDetector;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Keyed-state serializer of a {@link SeriesDetector}: its compact {@link SeriesDetector#encode()} form, length-prefixed.
 * The forest is written with it (compact trees), so a restore never retrains. {@link #copy} shares the immutable
 * forest, so the heap state backend's copy-on-write copies only the rings.
 */
public final class SeriesDetectorSerializer extends TypeSerializer<SeriesDetector> {
    public static final SeriesDetectorSerializer INSTANCE = new SeriesDetectorSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<SeriesDetector> duplicate() {
        return this;   // stateless
    }

    @Override
    public SeriesDetector createInstance() {
        return new SeriesDetector(DetectorConfig.defaults());
    }

    @Override
    public SeriesDetector copy(SeriesDetector from) {
        return from.copy();
    }

    @Override
    public SeriesDetector copy(SeriesDetector from, SeriesDetector reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SeriesDetector record, DataOutputView target) throws IOException {
        byte[] bytes = record.encode();
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public SeriesDetector deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        try {
            return SeriesDetector.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public SeriesDetector deserialize(SeriesDetector reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int n = source.readInt();
        target.writeInt(n);
        target.write(source, n);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SeriesDetectorSerializer;
    }

    @Override
    public int hashCode() {
        return SeriesDetectorSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<SeriesDetector> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Format snapshot; the format version lives inside the encoded bytes. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesDetector> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

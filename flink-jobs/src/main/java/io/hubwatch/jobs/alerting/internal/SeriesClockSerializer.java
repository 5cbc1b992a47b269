package io.hubwatch.jobs.alerting.internal;

import io.hubwatch.jobs.alerting.internal.EvaluateRules.SeriesClock;
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

/**
 * {@link SeriesClock}, {@link EvaluateRules}' state per series, with its {@link RuleTrack}s: the two times, then the
 * number of tracks (-1 for none) and each track's fields in a fixed order.
 *
 * <p>Why: with Flink's POJO serializer the clock and its array of track POJOs were read and written by reflection, a
 * null flag per field: on RocksDB (the Kubernetes manifest's backend), where every sample reads and writes its series'
 * clock, that was 30 % of the rule-evaluation thread (JFR, {@code alert-throughput.sh -Dstate.backend=rocksdb}); on
 * the heap, two fifths of the snapshot thread. State written with the POJO serializer restores
 * ({@link RecordSerializer.Snapshot}).
 */
public final class SeriesClockSerializer extends RecordSerializer<SeriesClock> {
    private static final long serialVersionUID = 1L;
    public static final SeriesClockSerializer INSTANCE = new SeriesClockSerializer();

    /** Attached to {@link SeriesClock} by its {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<SeriesClock> {
        @Override
        public TypeInformation<SeriesClock> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new RecordType<>(SeriesClock.class, INSTANCE);
        }
    }

    @Override
    public SeriesClock createInstance() {
        return new SeriesClock();
    }

    @Override
    public SeriesClock copy(SeriesClock from) {
        SeriesClock c = new SeriesClock();
        c.lastEventTime = from.lastEventTime;
        c.lastArrival = from.lastArrival;
        if (from.tracks != null) {
            c.tracks = new RuleTrack[from.tracks.length];
            for (int i = 0; i < from.tracks.length; i++) {
                RuleTrack f = from.tracks[i];
                RuleTrack t = f == null ? null : new RuleTrack();
                if (t != null) {
                    t.ruleId = f.ruleId;
                    t.ruleVersion = f.ruleVersion;
                    t.kind = f.kind;
                    t.runStart = f.runStart;
                    t.heldAt = f.heldAt;
                    t.synced = f.synced;
                }
                c.tracks[i] = t;
            }
        }
        return c;
    }

    @Override
    public void serialize(SeriesClock c, DataOutputView target) throws IOException {
        target.writeLong(c.lastEventTime);
        target.writeLong(c.lastArrival);
        RuleTrack[] tracks = c.tracks;
        target.writeInt(tracks == null ? -1 : tracks.length);
        if (tracks != null) {
            for (RuleTrack t : tracks) {
                // a null element never occurs (tracks are made by SeriesClock.newTrack); written as no rule id
                writeString(t == null ? null : t.ruleId, target);
                if (t != null) {
                    target.writeInt(t.ruleVersion);
                    target.writeByte(t.kind);
                    target.writeLong(t.runStart);
                    target.writeLong(t.heldAt);
                    target.writeBoolean(t.synced);
                }
            }
        }
    }

    @Override
    public SeriesClock deserialize(DataInputView source) throws IOException {
        SeriesClock c = new SeriesClock();
        c.lastEventTime = source.readLong();
        c.lastArrival = source.readLong();
        int n = source.readInt();
        if (n >= 0) {
            c.tracks = new RuleTrack[n];
            for (int i = 0; i < n; i++) {
                String ruleId = readString(source);
                if (ruleId != null) {
                    RuleTrack t = new RuleTrack();
                    t.ruleId = ruleId;
                    t.ruleVersion = source.readInt();
                    t.kind = source.readByte();
                    t.runStart = source.readLong();
                    t.heldAt = source.readLong();
                    t.synced = source.readBoolean();
                    c.tracks[i] = t;
                }
            }
        }
        return c;
    }

    @Override
    public TypeSerializerSnapshot<SeriesClock> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends RecordSerializer.Snapshot<SeriesClock> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

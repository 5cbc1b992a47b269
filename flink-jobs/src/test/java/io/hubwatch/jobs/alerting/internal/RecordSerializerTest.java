package io.hubwatch.jobs.alerting.internal;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert path's own serializers: every field comes back, with and without labels, with a rule id that prefixes the
 * key and one that does not; copies share nothing mutable; and state written with Flink's POJO serializer restores.
 */
class RecordSerializerTest {

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertThat(in.available()).as("nothing left over").isZero();
        // what Flink does when it moves a record between buffers without building it
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(serializer.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())))
                .as("copied between views").usingRecursiveComparison().isEqualTo(back);
        return back;
    }

    private static <T> TypeSerializer<T> serializerOf(Class<T> type) {
        return TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
    }

    @Test
    void aRuleSampleComesBackWhole() throws IOException {
        TypeSerializer<RuleSample> serializer = serializerOf(RuleSample.class);
        for (Map<String, String> labels : java.util.Arrays.asList(null, Map.<String, String>of(), Map.of("host", "web-1", "zone", "é ☃"))) {
            RuleSample s = new RuleSample("cpu_hot", "cpu{host=\"web-1\"}", 1_700_000_000_123L, 91.5, true, false, 300_000, labels);
            s.runStart = 1_700_000_000_000L;
            assertThat(roundTrip(serializer, s)).usingRecursiveComparison().isEqualTo(s);
        }
        RuleSample odd = new RuleSample();
        odd.key = "a|b";
        odd.ruleId = "not-a-prefix";
        odd.recovered = true;
        assertThat(roundTrip(serializer, odd)).usingRecursiveComparison().isEqualTo(odd);
        odd.restart = true;
        assertThat(roundTrip(serializer, odd)).usingRecursiveComparison().isEqualTo(odd);
        assertThat(serializer.copy(odd).restart).isTrue();
        assertThat(roundTrip(serializer, new RuleSample())).usingRecursiveComparison().isEqualTo(new RuleSample());
    }

    @Test
    void anAlertSignalComesBackWhole() throws IOException {
        TypeSerializer<AlertSignal> serializer = serializerOf(AlertSignal.class);
        RuleSample last = new RuleSample("cpu_hot", "cpu{host=\"web-1\"}", 2_000, 99, true, 60_000, Map.of("host", "web-1"));
        for (AlertSignal s : List.of(AlertSignal.breach(1_000, last), AlertSignal.sample(last), AlertSignal.clear(last), new AlertSignal())) {
            assertThat(roundTrip(serializer, s)).usingRecursiveComparison().isEqualTo(s);
        }
    }

    @Test
    void aSeriesSampleComesBackWhole() throws IOException {
        TypeSerializer<SeriesSample> serializer = serializerOf(SeriesSample.class);
        SeriesSample s = new SeriesSample();
        s.series = "cpu{host=\"web-1\"}";
        s.metric = "cpu";
        s.timestamp = 42;
        s.value = -0.25;
        assertThat(roundTrip(serializer, s)).usingRecursiveComparison().isEqualTo(s);
        assertThat(roundTrip(serializer, new SeriesSample())).usingRecursiveComparison().isEqualTo(new SeriesSample());
        // the metric is sent as the length of the key's prefix when it is one, else in full
        for (String[] seriesAndMetric : new String[][] {{"cpu", "cpu"}, {"ünï{k=\"€\uD83D\uDE00\"}", "ünï"},
                {"cpu_total{a=\"1\"}", "cpu"}, {"cpu{a=\"1\"}", "mem"}, {"cpu", null}, {null, "cpu"}}) {
            SeriesSample t = new SeriesSample();
            t.series = seriesAndMetric[0];
            t.metric = seriesAndMetric[1];
            t.timestamp = 7;
            t.value = 1e-300;
            assertThat(roundTrip(serializer, t)).usingRecursiveComparison().isEqualTo(t);
        }
    }

    @Test
    void aCopySharesNoLabelsMapWithItsOriginal() {
        Map<String, String> labels = new HashMap<>(Map.of("host", "web-1"));
        RuleSample s = new RuleSample("r", "k", 1, 2, true, 3, labels);
        RuleSample copy = serializerOf(RuleSample.class).copy(s);
        labels.put("host", "changed");
        assertThat(copy.labels).containsEntry("host", "web-1");
        assertThat(copy).isNotSameAs(s);
    }

    /** Checkpoints of earlier versions hold RuleSamples (CEP's buffer) written by Flink's POJO serializer. */
    @Test
    void stateWrittenByThePojoSerializerIsReadWithItAndWrittenAgainWithOurs() throws IOException {
        // the POJO type Flink built for RuleSample before it had a @TypeInfo
        List<PojoField> fields = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : RuleSample.class.getFields()) {
            TypeInformation<?> type = f.getType() == Map.class ? Types.MAP(Types.STRING, Types.STRING)
                    : TypeExtractor.getForClass(f.getType());
            fields.add(new PojoField(f, type));
        }
        PojoTypeInfo<RuleSample> pojo = new PojoTypeInfo<>(RuleSample.class, fields);
        PojoSerializer<RuleSample> old = (PojoSerializer<RuleSample>) pojo.createSerializer(new SerializerConfigImpl());
        TypeSerializerSnapshot<RuleSample> oldSnapshot = old.snapshotConfiguration();
        TypeSerializerSnapshot<RuleSample> ours = serializerOf(RuleSample.class).snapshotConfiguration();
        assertThat(ours.resolveSchemaCompatibility(oldSnapshot).isCompatibleAfterMigration()).isTrue();
        assertThat(ours.resolveSchemaCompatibility(serializerOf(RuleSample.class).snapshotConfiguration()).isCompatibleAsIs()).isTrue();

        RuleSample s = new RuleSample("cpu_hot", "cpu{host=\"web-1\"}", 5, 95, true, 60_000, Map.of("host", "web-1"));
        DataOutputSerializer out = new DataOutputSerializer(64);
        old.serialize(s, out);
        RuleSample restored = oldSnapshot.restoreSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(roundTrip(serializerOf(RuleSample.class), restored)).usingRecursiveComparison().isEqualTo(s);
    }
}

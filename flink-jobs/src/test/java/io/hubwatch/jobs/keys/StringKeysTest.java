package io.hubwatch.jobs.keys;

import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StringKeysTest {

    private static List<String> samples() {
        List<String> all = new ArrayList<>(List.of("", "a", "all", "high_cpu_usage|cpu_usage{host=\"web-1\"}",
                "naïve|Größe{ключ=\"значение\"}", "emoji 🚀 surrogate pairs 𝄞", "\u0000nul\u007f\u0080\u07ff\u0800\uffff",
                "x".repeat(126), "x".repeat(127), "x".repeat(128), "é".repeat(16_383), "é".repeat(16_384),
                "long".repeat(2_000)));
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            char[] chars = new char[random.nextInt(200)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : (char) (32 + random.nextInt(95));
            }
            all.add(new String(chars));
        }
        return all;
    }

    @Test
    void writesExactlyTheBytesOfFlinksStringSerializer() throws Exception {
        for (String s : samples()) {
            DataOutputSerializer ours = new DataOutputSerializer(64);
            DataOutputSerializer flinks = new DataOutputSerializer(64);
            StringKeys.Serializer.INSTANCE.serialize(s, ours);
            StringSerializer.INSTANCE.serialize(s, flinks);
            assertThat(ours.getCopyOfBuffer()).as("%d chars", s.length()).isEqualTo(flinks.getCopyOfBuffer());
            assertThat(StringKeys.Serializer.INSTANCE.deserialize(new DataInputDeserializer(ours.getCopyOfBuffer())))
                    .isEqualTo(s);
        }
    }

    /** As Flink's: null is a length of 0 (record fields that may be null are written with this serializer too). */
    @Test
    void writesNullAsFlinksStringSerializerDoes() throws Exception {
        DataOutputSerializer ours = new DataOutputSerializer(8);
        DataOutputSerializer flinks = new DataOutputSerializer(8);
        StringKeys.Serializer.INSTANCE.serialize(null, ours);
        StringSerializer.INSTANCE.serialize(null, flinks);
        assertThat(ours.getCopyOfBuffer()).isEqualTo(flinks.getCopyOfBuffer());
        assertThat(StringKeys.Serializer.INSTANCE.deserialize(new DataInputDeserializer(ours.getCopyOfBuffer()))).isNull();
    }

    @Test
    void aSnapshotWrittenWithFlinksStringKeysRestoresAsIs() {
        assertThat(StringKeys.Serializer.INSTANCE.snapshotConfiguration()
                .resolveSchemaCompatibility(StringSerializer.INSTANCE.snapshotConfiguration()).isCompatibleAsIs()).isTrue();
        assertThat(StringKeys.Serializer.INSTANCE.snapshotConfiguration()
                .resolveSchemaCompatibility(StringKeys.Serializer.INSTANCE.snapshotConfiguration()).isCompatibleAsIs()).isTrue();
    }

    @Test
    void isAStringKeyTypeWithThisSerializer() {
        assertThat(StringKeys.TYPE.getTypeClass()).isEqualTo(String.class);
        assertThat(StringKeys.TYPE.isKeyType()).isTrue();
        assertThat(StringKeys.TYPE.createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()))
                .isSameAs(StringKeys.Serializer.INSTANCE);
    }
}

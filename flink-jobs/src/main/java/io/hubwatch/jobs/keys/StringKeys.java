package io.hubwatch.jobs.keys;

import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringComparator;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The type of a {@code String} key for {@code keyBy}: Flink's own string format, written in one call per key.
 *
 * <pre>{@code
 * stream.keyBy(MetricEvent::seriesKey, StringKeys.TYPE)
 * }</pre>
 *
 * <p>Why: the heap state backend writes every state entry's and every timer's key at each checkpoint, and Flink's
 * {@link StringSerializer} writes a string one byte per call, through three stream layers. With ~50-character
 * {@code rule|series} keys and checkpoints every 200 ms, that was over half of the alert job's snapshot thread in
 * benchmarks/alert-throughput.sh (docs/decisions.md). This serializer encodes the same bytes into an array first
 * ({@link StringValue}'s format: a variable-length length + 1, then each char variable-length encoded), so checkpoints
 * written with {@code Types.STRING} keys restore with it ({@code StringKeysTest}, and {@code HeldForTest}'s restores of
 * snapshots written by earlier versions).
 */
public final class StringKeys {
    private StringKeys() {}

    /** A basic {@code String} type, as {@code Types.STRING}, whose serializer is {@link Serializer}. */
    public static final TypeInformation<String> TYPE = new BasicTypeInfo<>(String.class, new Class<?>[] {},
            Serializer.INSTANCE, StringComparator.class) {
        private static final long serialVersionUID = 1L;
    };

    /** {@link StringSerializer}'s format, each string written with one call. */
    public static final class Serializer extends TypeSerializerSingleton<String> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();
        /** Longer strings (not keys, in practice) go through Flink's own writer rather than a large array. */
        private static final int MAX_BUFFERED_CHARS = 4096;
        /**
         * One array per thread (snapshot threads, task threads): a new array per key was ~100 MB/s of garbage at five
         * snapshots a second of ~130,000 entries. The serializer itself stays a stateless singleton.
         */
        private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[256]);

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public String createInstance() {
            return "";
        }

        @Override
        public String copy(String from) {
            return from;
        }

        @Override
        public String copy(String from, String reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(String record, DataOutputView target) throws IOException {
            if (record == null) {
                target.writeByte(0); // the format's null (lengths are written + 1), as StringSerializer writes it
                return;
            }
            int n = record.length();
            if (n > MAX_BUFFERED_CHARS) {
                StringValue.writeString(record, target);
                return;
            }
            byte[] buf = BUFFER.get();
            if (buf.length < 5 + 3 * n) {
                buf = new byte[Math.max(5 + 3 * n, 2 * buf.length)];
                BUFFER.set(buf);
            }
            int p = varint(buf, 0, n + 1); // + 1: a length of 0 stands for null in this format
            for (int i = 0; i < n; i++) {
                char c = record.charAt(i);
                if (c < 0x80) {
                    buf[p++] = (byte) c;
                } else {
                    p = varint(buf, p, c);
                }
            }
            target.write(buf, 0, p);
        }

        /** 7 bits per byte, least significant first, the high bit set on every byte but the last. */
        private static int varint(byte[] buf, int p, int value) {
            while (value >= 0x80) {
                buf[p++] = (byte) (value | 0x80);
                value >>>= 7;
            }
            buf[p++] = (byte) value;
            return p;
        }

        @Override
        public String deserialize(DataInputView source) throws IOException {
            return StringValue.readString(source);
        }

        @Override
        public String deserialize(String reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            StringValue.copyString(source, target);
        }

        @Override
        public TypeSerializerSnapshot<String> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** Compatible as is with {@link StringSerializer}'s snapshot: the bytes are the same. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<String> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<String> resolveSchemaCompatibility(
                TypeSerializerSnapshot<String> oldSerializerSnapshot) {
            if (oldSerializerSnapshot instanceof StringSerializer.StringSerializerSnapshot
                    || oldSerializerSnapshot instanceof Snapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return super.resolveSchemaCompatibility(oldSerializerSnapshot);
        }
    }
}

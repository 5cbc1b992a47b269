package io.hubwatch.sink.prometheus.internal;

import com.google.protobuf.CodedOutputStream;
import io.hubwatch.sink.prometheus.PrometheusSample;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes samples as Prometheus' remote-write {@code WriteRequest} (protobuf) compressed with snappy's block format,
 * the body that {@code POST /api/v1/write} takes (remote write 1.0).
 *
 * <pre>
 * message WriteRequest { repeated TimeSeries timeseries = 1; }
 * message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * message Label        { string name = 1; string value = 2; }
 * message Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 *
 * <p>Written by hand with protobuf's {@link CodedOutputStream} rather than generated from the .proto: four messages
 * of two fields each do not justify a protoc step in the build. Samples of one series are grouped into one
 * {@code TimeSeries} in timestamp order (receivers refuse out-of-order samples); labels are sorted by name with
 * {@code __name__} first, as the protocol requires.
 */
public final class WriteRequestEncoder {
    private static final int TAG_TIMESERIES = 1;
    private static final int TAG_LABELS = 1;
    private static final int TAG_SAMPLES = 2;
    private static final int TAG_NAME = 1;
    private static final int TAG_VALUE = 2;
    private static final int TAG_SAMPLE_VALUE = 1;
    private static final int TAG_SAMPLE_TIMESTAMP = 2;

    private WriteRequestEncoder() {}

    /** The snappy-compressed protobuf body for these samples. */
    public static byte[] encodeCompressed(List<PrometheusSample> samples) {
        try {
            return Snappy.compress(encode(samples));
        } catch (IOException e) {
            throw new UncheckedIOException("snappy compression failed", e);
        }
    }

    /** The uncompressed protobuf {@code WriteRequest}. */
    public static byte[] encode(List<PrometheusSample> samples) {
        Map<String, List<PrometheusSample>> bySeries = new LinkedHashMap<>();
        for (PrometheusSample s : samples) {
            bySeries.computeIfAbsent(s.seriesKey(), k -> new ArrayList<>()).add(s);
        }
        List<Series> series = new ArrayList<>(bySeries.size());
        int total = 0;
        for (List<PrometheusSample> group : bySeries.values()) {
            group.sort(Comparator.comparingLong(PrometheusSample::timestampMs));
            Series s = new Series(group);
            series.add(s);
            total += CodedOutputStream.computeTagSize(TAG_TIMESERIES)
                    + CodedOutputStream.computeUInt32SizeNoTag(s.size) + s.size;
        }
        byte[] out = new byte[total];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            for (Series s : series) {
                o.writeTag(TAG_TIMESERIES, 2);
                o.writeUInt32NoTag(s.size);
                s.writeTo(o);
            }
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("protobuf encoding failed", e);
        }
        return out;
    }

    /** One TimeSeries message with its labels (name first) and sizes computed once. */
    private static final class Series {
        final List<String[]> labels = new ArrayList<>();
        final List<PrometheusSample> samples;
        final int size;

        Series(List<PrometheusSample> samples) {
            this.samples = samples;
            PrometheusSample first = samples.get(0);
            labels.add(new String[] {"__name__", first.name()});
            first.labels().forEach((k, v) -> labels.add(new String[] {k, v}));
            int n = 0;
            for (String[] l : labels) {
                int ls = labelSize(l);
                n += CodedOutputStream.computeTagSize(TAG_LABELS) + CodedOutputStream.computeUInt32SizeNoTag(ls) + ls;
            }
            for (PrometheusSample s : samples) {
                int ss = sampleSize(s);
                n += CodedOutputStream.computeTagSize(TAG_SAMPLES) + CodedOutputStream.computeUInt32SizeNoTag(ss) + ss;
            }
            size = n;
        }

        void writeTo(CodedOutputStream o) throws IOException {
            for (String[] l : labels) {
                o.writeTag(TAG_LABELS, 2);
                o.writeUInt32NoTag(labelSize(l));
                o.writeString(TAG_NAME, l[0]);
                o.writeString(TAG_VALUE, l[1]);
            }
            for (PrometheusSample s : samples) {
                o.writeTag(TAG_SAMPLES, 2);
                o.writeUInt32NoTag(sampleSize(s));
                o.writeDouble(TAG_SAMPLE_VALUE, s.wireValue());
                o.writeInt64(TAG_SAMPLE_TIMESTAMP, s.timestampMs());
            }
        }

        private static int labelSize(String[] l) {
            return CodedOutputStream.computeStringSize(TAG_NAME, l[0]) + CodedOutputStream.computeStringSize(TAG_VALUE, l[1]);
        }

        private static int sampleSize(PrometheusSample s) {
            return CodedOutputStream.computeDoubleSize(TAG_SAMPLE_VALUE, s.wireValue())
                    + CodedOutputStream.computeInt64Size(TAG_SAMPLE_TIMESTAMP, s.timestampMs());
        }
    }
}

package io.hubwatch.sink.prometheus;

import com.google.protobuf.CodedInputStream;
import io.hubwatch.sink.prometheus.internal.WriteRequestEncoder;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteRequestEncoderTest {

    /** A decoded TimeSeries: labels in wire order, samples as [value, timestamp]. */
    record Decoded(List<String> labels, List<double[]> samples) {}

    @Test
    void samplesOfOneSeriesShareOneTimeSeriesInTimestampOrderWithNameFirst() throws IOException {
        List<PrometheusSample> in = List.of(
                PrometheusSample.of("cpu_usage", Map.of("host", "b", "core", "0"), 2.0, 2000),
                PrometheusSample.of("cpu_usage", Map.of("host", "a"), 9.5, 1000),
                PrometheusSample.of("cpu_usage", Map.of("core", "0", "host", "b"), 1.0, 1000));

        List<Decoded> out = decode(Snappy.uncompress(WriteRequestEncoder.encodeCompressed(in)));

        assertThat(out).hasSize(2);
        assertThat(out.get(0).labels()).containsExactly("__name__=cpu_usage", "core=0", "host=b");
        assertThat(out.get(0).samples()).extracting(s -> s[1]).containsExactly(1000.0, 2000.0);
        assertThat(out.get(0).samples()).extracting(s -> s[0]).containsExactly(1.0, 2.0);
        assertThat(out.get(1).labels()).containsExactly("__name__=cpu_usage", "host=a");
        assertThat(out.get(1).samples().get(0)).containsExactly(9.5, 1000.0);
    }

    @Test
    void theStalenessMarkerKeepsItsBitPattern() throws IOException {
        PrometheusSample s = PrometheusSample.of("up", Map.of(), 1, 5).stale(10);
        List<Decoded> out = decode(WriteRequestEncoder.encode(List.of(s)));
        assertThat(Double.doubleToRawLongBits(out.get(0).samples().get(0)[0])).isEqualTo(0x7ff0000000000002L);
        assertThat(s.stale()).isTrue();
    }

    @Test
    void emptyLabelValuesAreDroppedAndBadNamesRefusedWithTheName() {
        assertThat(PrometheusSample.of("m", Map.of("a", "", "b", "x"), 1, 1).labels()).containsOnlyKeys("b");
        assertThatThrownBy(() -> PrometheusSample.of("api.p95", Map.of(), 1, 1))
                .hasMessageContaining("'api.p95'");
        assertThatThrownBy(() -> PrometheusSample.of("m", Map.of("__x", "1"), 1, 1))
                .hasMessageContaining("'__x'");
        assertThat(PrometheusSample.metricName("api.p95-ms")).isEqualTo("api_p95_ms");
        assertThat(PrometheusSample.metricName("9lives")).isEqualTo("_9lives");
        assertThat(PrometheusSample.labelName("__meta")).isEqualTo("_meta");
        assertThat(PrometheusSample.labelName("a:b")).isEqualTo("a_b");
    }

    /** Reads a WriteRequest back with protobuf's own decoder: what a receiver sees. */
    static List<Decoded> decode(byte[] body) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(body);
        List<Decoded> series = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            assertThat(tag >>> 3).isEqualTo(1);
            CodedInputStream ts = CodedInputStream.newInstance(in.readByteArray());
            List<String> labels = new ArrayList<>();
            List<double[]> samples = new ArrayList<>();
            int t;
            while ((t = ts.readTag()) != 0) {
                CodedInputStream m = CodedInputStream.newInstance(ts.readByteArray());
                if ((t >>> 3) == 1) {
                    String name = null;
                    String value = null;
                    int f;
                    while ((f = m.readTag()) != 0) {
                        if ((f >>> 3) == 1) {
                            name = m.readString();
                        } else {
                            value = m.readString();
                        }
                    }
                    labels.add(name + "=" + value);
                } else {
                    double value = 0;
                    long timestamp = 0;
                    int f;
                    while ((f = m.readTag()) != 0) {
                        if ((f >>> 3) == 1) {
                            value = m.readDouble();
                        } else {
                            timestamp = m.readInt64();
                        }
                    }
                    samples.add(new double[] {value, timestamp});
                }
            }
            series.add(new Decoded(labels, samples));
        }
        return series;
    }
}

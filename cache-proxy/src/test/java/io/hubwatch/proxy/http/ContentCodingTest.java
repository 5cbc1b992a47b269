package io.hubwatch.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import io.hubwatch.proxy.cache.CachedResponse.Encoding;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ContentCodingTest {

    @Test
    void acceptEncodingPrefersBrotliThenGzipAndHonoursQZero() {
        assertThat(ContentCoding.preferred("gzip, deflate, br")).isEqualTo(Encoding.BROTLI);
        assertThat(ContentCoding.preferred("gzip")).isEqualTo(Encoding.GZIP);
        assertThat(ContentCoding.preferred("br;q=0, gzip;q=0.5")).isEqualTo(Encoding.GZIP);
        assertThat(ContentCoding.preferred("identity")).isEqualTo(Encoding.IDENTITY);
        assertThat(ContentCoding.preferred(null)).isEqualTo(Encoding.IDENTITY);
        assertThat(ContentCoding.preferred("*")).isEqualTo(Encoding.BROTLI);
        assertThat(ContentCoding.preferred("xbr, gzipx")).isEqualTo(Encoding.IDENTITY);
    }

    @Test
    void theBrotliNativeLibraryLoadsOnThisPlatform() {
        assertThat(ContentCoding.brotliAvailable()).isTrue();
    }

    @Test
    void compressedBodiesDecompressToTheOriginal() throws Exception {
        byte[] body = "{\"data\":[1,2,3]}".repeat(100).getBytes(StandardCharsets.UTF_8);
        try (var in = new GZIPInputStream(new ByteArrayInputStream(ContentCoding.gzip(body)))) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        assertThat(Decoder.decompress(ContentCoding.brotli(body)).getDecompressedData()).isEqualTo(body);
    }

    @Test
    void onlyTextualContentIsCompressible() {
        assertThat(ContentCoding.compressible("application/json; charset=utf-8")).isTrue();
        assertThat(ContentCoding.compressible("text/html")).isTrue();
        assertThat(ContentCoding.compressible("image/png")).isFalse();
        assertThat(ContentCoding.compressible(null)).isFalse();
    }
}

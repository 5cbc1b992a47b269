package io.hubwatch.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.cache.internal.EntryCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

    @Test
    void anEntrySurvivesTheRoundTripThroughItsRedisForm() {
        CachedResponse r = CachedResponse.builder("GET /a?b=1", "/a").status(203).header("Content-Type", "application/json")
                .body("{\"x\":1}".getBytes(StandardCharsets.UTF_8)).compressed(new byte[] {1, 2}, null).etag("\"e\"")
                .vary(List.of("accept-language")).timing(1000, 60_000, 5_000, 300_000).upstreamAge(3)
                .tags(List.of("t1", "t2")).bodyHash(42).build();
        CachedResponse back = EntryCodec.decode(EntryCodec.encode(r));
        assertThat(back).isNotNull();
        assertThat(back.key).isEqualTo(r.key);
        assertThat(back.status).isEqualTo(203);
        assertThat(back.headers).hasSize(1);
        assertThat(back.identity).isEqualTo(r.identity);
        assertThat(back.gzip).containsExactly(1, 2);
        assertThat(back.brotli).isNull();
        assertThat(back.etag).isEqualTo("\"e\"");
        assertThat(back.vary).containsExactly("accept-language");
        assertThat(back.tags).containsExactly("t1", "t2");
        assertThat(back.storedAt).isEqualTo(1000);
        assertThat(back.sieMillis).isEqualTo(300_000);
        assertThat(back.upstreamAgeSeconds).isEqualTo(3);
        assertThat(back.bodyHash).isEqualTo(42);
    }

    @Test
    void damagedOrForeignBytesDecodeToAMissNotAnError() {
        assertThat(EntryCodec.decode(new byte[] {9, 9, 9})).isNull();
        assertThat(EntryCodec.decode(new byte[0])).isNull();
    }
}

package io.hubwatch.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class L1CacheTest {

    private static CachedResponse entry(String key, String endpoint, int bytes, String... tags) {
        return CachedResponse.builder(key, endpoint).body(new byte[bytes]).tags(List.of(tags))
                .timing(System.currentTimeMillis(), 60_000, 0, 0).build();
    }

    @Test
    void theCacheStaysWithinItsByteBound() {
        L1Cache l1 = new L1Cache(100_000);
        for (int i = 0; i < 200; i++) {
            l1.put(entry("GET /a?i=" + i, "/a", 2_000));
        }
        l1.entries();
        long bytes = l1.entries().stream().mapToLong(CachedResponse::weight).sum();
        assertThat(bytes).isLessThanOrEqualTo(100_000);
        assertThat(l1.usageOf("/a").bytes.get()).isEqualTo(bytes);
        assertThat(l1.usageOf("/a").keys.get()).isEqualTo(l1.entries().size());
    }

    @Test
    void purgeByPrefixAndByTagDropOnlyWhatMatches() {
        L1Cache l1 = new L1Cache(1_000_000);
        l1.put(entry("GET /api/v1/stats?a=1", "/api/v1/stats", 10, "s"));
        l1.put(entry("GET /api/v1/models", "/api/v1/models", 10, "m"));
        assertThat(l1.invalidatePathPrefix("/api/v1/stats")).isEqualTo(1);
        assertThat(l1.get("GET /api/v1/models")).isNotNull();
        assertThat(l1.invalidateTag("m")).isEqualTo(1);
        assertThat(l1.get("GET /api/v1/models")).isNull();
    }
}

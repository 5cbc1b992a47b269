package io.hubwatch.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.config.EndpointPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvisorTest {

    static EndpointPolicy policy(String path) {
        return new EndpointPolicy(path, Duration.ofSeconds(60), false, Duration.ZERO, Duration.ZERO, true, List.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void dataThatNeverChangesOnReloadGetsALongerTtlAndFastChangingDataAShorterOne() {
        ProxyStats stats = new ProxyStats();
        stats.endpoint("/static").unchanged.add(20);
        stats.endpoint("/live").changed.add(9);
        stats.endpoint("/live").unchanged.add(1);
        Map<String, Object> advice = Advisor.advise(Map.of("/static", policy("/static"), "/live", policy("/live")),
                stats, List.of(), System.currentTimeMillis());
        List<Map<String, Object>> ttl = (List<Map<String, Object>>) advice.get("ttl");
        Map<String, Object> st = ttl.stream().filter(m -> m.get("endpoint").equals("/static")).findFirst().orElseThrow();
        Map<String, Object> live = ttl.stream().filter(m -> m.get("endpoint").equals("/live")).findFirst().orElseThrow();
        assertThat(st.get("action")).isEqualTo("raise_ttl");
        assertThat(st.get("suggested_ttl")).isEqualTo("240s");
        assertThat(live.get("action")).isEqualTo("lower_ttl");
        assertThat(live.get("suggested_ttl")).isEqualTo("30s");
    }

    @Test
    @SuppressWarnings("unchecked")
    void largeEntriesWithoutHitsAreNamedAsWastingMemory() {
        long now = System.currentTimeMillis();
        CachedResponse cold = CachedResponse.builder("GET /a?big=1", "/a").body(new byte[50_000])
                .timing(now - 50_000, 60_000, 0, 0).build();
        CachedResponse hot = CachedResponse.builder("GET /a?hot=1", "/a").body(new byte[50_000])
                .timing(now - 50_000, 60_000, 0, 0).build();
        hot.hits = 10;
        Map<String, Object> advice = Advisor.advise(Map.of("/a", policy("/a")), new ProxyStats(), List.of(cold, hot), now);
        List<Map<String, Object>> waste = (List<Map<String, Object>>) advice.get("wasteful_keys");
        assertThat(waste).extracting(m -> m.get("key")).containsExactly("GET /a?big=1");
        assertThat((long) advice.get("wasted_bytes")).isGreaterThan(50_000);
    }
}
